using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// The float32 weights and bias a float-domain layer (float32, dynamic int8, float16) computes with. Widening once
/// gives the same bits as widening at every use: DynamicInt8 is <c>(float)q * scale[c]</c>, Float16 is exact.
/// </summary>
internal sealed class FloatWeights
{
    private FloatWeights(float[] values, float[] bias)
    {
        Values = values;
        Bias = bias;
    }

    public float[] Values { get; }

    public float[] Bias { get; }

    public static FloatWeights From(WeightData weights)
    {
        switch (weights)
        {
            case Float32Weights f:
                return new FloatWeights(f.Values, f.Bias);

            case DynamicInt8Weights d:
            {
                int perChannel = d.Values.Length / d.Bias.Length;
                var values = new float[d.Values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)d.Values[i] * d.Scales[i / perChannel];
                }

                return new FloatWeights(values, d.Bias);
            }

            case Float16Weights h:
            {
                var values = new float[h.Values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = HalfConversion.ToSingle(h.Values[i]);
                }

                return new FloatWeights(values, h.Bias);
            }

            default:
                throw new ArgumentException($"{weights.Precision} weights are not computed in float", nameof(weights));
        }
    }
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// The float32 weights and bias a layer's constants stand for, as a float engine computes with them: the interpreter's
/// float kernels, the float ONNX export and the trainer's TorchSharp network all take them from here.
/// </summary>
public static class FloatWeights
{
    /// <summary>
    /// Int8 values times their channel's scale (one float32 product), float16 widened exactly, float32 as stored (the
    /// same arrays). Int8 biases are at scale <c>s_in * s_w[c]</c>, so they need the layer's <paramref name="input"/> quantization.
    /// </summary>
    public static (float[] Weights, float[] Bias) Of(WeightData weights, QuantParams? input)
    {
        switch (weights)
        {
            case Int8Weights w:
            {
                float inputScale = input?.Scale ?? throw new ArgumentException("int8 weights need the input quantization", nameof(input));
                var bias = new float[w.Bias.Length];
                for (int c = 0; c < bias.Length; c++)
                {
                    bias[c] = w.Bias[c] * (inputScale * w.Scales[c]);
                }

                return (Scaled(w.Values, w.Scales, w.WeightZeroPoint), bias);
            }

            case DynamicInt8Weights w:
                return (Scaled(w.Values, w.Scales), w.Bias);
            case Float32Weights w:
                return (w.Values, w.Bias);
            case Float16Weights w:
            {
                var values = new float[w.Values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = HalfConversion.ToSingle(w.Values[i]);
                }

                return (values, w.Bias);
            }

            default:
                throw new NotSupportedException($"weights of precision {weights.Precision} have no float form");
        }
    }

    /// <summary>scale × (w − zeroPoint) per weight (the zero point is 0 except for a layer's <c>weight_zero_point</c>).</summary>
    private static float[] Scaled(sbyte[] values, float[] scales, int zeroPoint = 0)
    {
        int perChannel = values.Length / scales.Length;
        var result = new float[values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (values[i] - zeroPoint) * scales[i / perChannel];
        }

        return result;
    }
}

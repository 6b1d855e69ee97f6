using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// What the kernels of weighted layers share: an int8 layer subtracts the input zero point and requantizes its int32
/// accumulators through an <see cref="Int8OutputStage"/>; a float-domain layer (float32, dynamic int8, float16)
/// computes with its <see cref="FloatWeights"/>, widened once here.
/// </summary>
internal abstract class WeightedKernel : UnaryKernel
{
    protected WeightedKernel(WeightedLayer layer, TensorInfo input, TensorInfo output, Rounding rounding)
    {
        if (layer.Weights is Int8Weights w)
        {
            Int8Weights = w;
            var inQuant = input.Quant!.Value;
            InputZeroPoint = inQuant.ZeroPoint;
            OutputStage = new Int8OutputStage(inQuant, w.Scales, output.Quant!.Value, layer.Activation, rounding, layer is DenseLayer || w.WeightZeroPoint != 0);
        }
        else
        {
            (FloatValues, FloatBias) = FloatWeights.Of(layer.Weights, null);
        }
    }

    /// <summary>Set for int8 layers, with <see cref="InputZeroPoint"/> and <see cref="OutputStage"/>.</summary>
    protected Int8Weights? Int8Weights { get; }

    protected int InputZeroPoint { get; }

    protected Int8OutputStage? OutputStage { get; }

    /// <summary>Set for float-domain layers, with <see cref="FloatBias"/>.</summary>
    protected float[]? FloatValues { get; }

    protected float[]? FloatBias { get; }

    public sealed override TensorValue Run(TensorValue input) =>
        Int8Weights is not null ? RunInt8(input.Int8Values) : RunFloat(input.FloatValues);

    protected abstract TensorValue RunInt8(sbyte[] x);

    protected abstract TensorValue RunFloat(float[] x);
}

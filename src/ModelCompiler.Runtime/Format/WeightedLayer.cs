namespace ModelCompiler.Format;

/// <summary>
/// A layer with constants (weights, per-channel scales, bias) and a fused activation: Conv2D and Dense. Code that only
/// needs precision, weights or output quantization (sizes, reports, dequantization) uses this instead of listing ops.
/// </summary>
public abstract class WeightedLayer(string name, Activation activation, WeightData weights, QuantParams? outputQuant) : Layer(name)
{
    public Activation Activation { get; } = activation;

    public WeightData Weights { get; } = weights;

    /// <summary>Required when <see cref="Precision"/> is Int8, absent otherwise.</summary>
    public QuantParams? OutputQuant { get; } = outputQuant;

    public Precision Precision => Weights.Precision;
}

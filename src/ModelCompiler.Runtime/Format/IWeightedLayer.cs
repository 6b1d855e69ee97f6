namespace ModelCompiler.Format;

/// <summary>
/// A layer with constants (weights, per-channel scales, bias) and a fused activation: Conv2D and Dense. Code that only
/// needs precision, weights or output quantization (sizes, reports, dequantization) uses this instead of listing ops.
/// </summary>
public interface IWeightedLayer
{
    string Name { get; }

    WeightData Weights { get; }

    Precision Precision { get; }

    Activation Activation { get; }

    /// <summary>Required when <see cref="Precision"/> is Int8, absent otherwise.</summary>
    QuantParams? OutputQuant { get; }
}

namespace ModelCompiler.Import;

/// <summary>
/// Affine quantization of a tensor, <c>real = scale * (q - zero_point)</c>: one scale and zero point for the whole
/// tensor (<see cref="Axis"/> null), or one per index along <see cref="Axis"/> (per channel).
/// </summary>
/// <param name="Scales">One scale, or one per index along <see cref="Axis"/>.</param>
/// <param name="ZeroPoints">As many zero points as scales (TFLite stores int64; ONNX the tensor's own type).</param>
/// <param name="Axis">The quantized dimension for per-channel quantization, in the source's layout; null for per tensor.</param>
public sealed record TensorQuantization(IReadOnlyList<float> Scales, IReadOnlyList<long> ZeroPoints, int? Axis)
{
    /// <summary>Whether there is one scale per index along an axis.</summary>
    public bool IsPerChannel => Axis is not null;

    public override string ToString() =>
        Axis is null
            ? $"scale={Scales[0]} zero_point={ZeroPoints[0]}"
            : $"{Scales.Count} scales on axis {Axis}, zero points {string.Join(",", ZeroPoints.Distinct())}";
}

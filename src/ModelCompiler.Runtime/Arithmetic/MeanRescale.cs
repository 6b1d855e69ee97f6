namespace ModelCompiler.Arithmetic;

/// <summary>
/// The constants of an int8 mean over height and width that rescales (a <c>global_avgpool</c> with <c>output_quant</c>),
/// as TFLite's optimized MEAN computes them (<c>optimized_integer_ops::Mean</c>, which its builtin kernels run for a 4-D
/// int8 or uint8 input reduced over axes 1 and 2 with keep_dims): the raw sum of the n input values times
/// <see cref="Multiplier"/> (the float32 <c>s_in / (n * s_out)</c>), plus <see cref="Bias"/> (the zero points, with
/// <c>z_in * s_in / s_out</c> rounded in float32), clamped: <c>y = clamp(Bias + rescale(Σq), -128, 127)</c>.
/// docs/arithmetic.md ("Global average pool that rescales") has the rule and a worked vector.
/// </summary>
public readonly record struct MeanRescale(QuantizedMultiplier Multiplier, int Bias)
{
    /// <summary>The most cells the sum may have: 2^24 * 128 = 2^31 keeps every sum of int8 values in int32, as TFLite's is.</summary>
    public const int MaxCount = 1 << 24;

    /// <summary>The largest <c>s_in / s_out</c>: it keeps <c>z_in * s_in / s_out</c> within 2^23, where float32 and its truncation are exact integers' neighbours.</summary>
    public const float MaxScaleRatio = 65536f;

    /// <summary>
    /// The multiplier and bias for <paramref name="count"/> cells. Every step is float32, as TFLite computes it (each
    /// cast forces the rounding C# may otherwise defer): <c>r = s_in / (float(n) * s_out)</c>, rounded to 31 bits
    /// (<see cref="QuantizedMultiplier.FromReal"/>); <c>t = z_in * s_in / s_out</c>, then <c>t ± 0.5</c> away from zero
    /// and truncated toward zero; <c>Bias = z_out - trunc(t ± 0.5)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is not in [1, <see cref="MaxCount"/>] or the scales break <see cref="MaxScaleRatio"/>.</exception>
    public static MeanRescale For(int count, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        if (count < 1 || count > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "a rescaling mean sums 1 to 2^24 cells");
        }

        if (!(inputScale / outputScale <= MaxScaleRatio))
        {
            throw new ArgumentOutOfRangeException(nameof(outputScale), outputScale, "a rescaling mean's input scale is at most 65536 times its output scale");
        }

        float cells = count;
        float real = inputScale / (float)(cells * outputScale);
        float shifted = (float)(inputZeroPoint * inputScale) / outputScale;
        shifted = shifted > 0 ? (float)(shifted + 0.5f) : (float)(shifted - 0.5f);
        // A real that underflows float32 scales every sum to 0, as TFLite's zero multiplier does.
        var multiplier = real > 0 ? QuantizedMultiplier.FromReal(real) : new QuantizedMultiplier(0, 62);
        return new MeanRescale(multiplier, outputZeroPoint - (int)shifted);
    }
}

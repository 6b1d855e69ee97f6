namespace ModelCompiler.Arithmetic;

/// <summary>
/// A requantization multiplier as TensorFlow Lite stores it: <c>real ≈ Multiplier * 2^(Shift - 31)</c>, with
/// Multiplier in [2^30, 2^31) (or 0) and Shift the power-of-two exponent (positive: shift left, negative: shift right),
/// in [-31, 30]. This is TFLite's sign convention, the opposite of <see cref="QuantizedMultiplier"/>'s
/// (see docs/arithmetic.md, "TFLite's double rounding").
/// </summary>
public readonly record struct TfliteMultiplier(int Multiplier, int Shift)
{
    /// <summary>
    /// TFLite's <c>QuantizeMultiplier</c> (tensorflow/lite/kernels/internal/quantization_util.cc, default build):
    /// <c>real = q * 2^Shift</c> with q in [0.5, 1) (<c>frexp</c>), <c>Multiplier = round(q * 2^31)</c> half away from
    /// zero, 2^31 becoming 2^30 with <c>Shift + 1</c>; zero, and anything whose shift would be below -31, becomes (0, 0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="real"/> is negative, not finite, or rounds to 2^30 or more (TFLite's double-rounding kernels
    /// would shift an int32 left by 31 or more, which overflows for every non-zero accumulator).
    /// </exception>
    public static TfliteMultiplier FromReal(double real)
    {
        if (!(real >= 0) || real >= 1073741824.0)
        {
            throw new ArgumentOutOfRangeException(nameof(real), real, "a TFLite multiplier must be finite, non-negative and below 2^30");
        }

        if (real == 0)
        {
            return new TfliteMultiplier(0, 0);
        }

        long bits = BitConverter.DoubleToInt64Bits(real);
        int biased = (int)((bits >> 52) & 0x7FF);
        if (biased == 0)
        {
            // A subnormal double is below 2^-1022: frexp's exponent would be far below -31, which TFLite flushes to zero.
            return new TfliteMultiplier(0, 0);
        }

        // real = q * 2^exponent with q in [0.5, 1): replace the exponent bits by those of 0.5 (frexp is not in
        // netstandard2.0). q * 2^31 is exact in double, so the only rounding is TfLiteRound's (std::round).
        int exponent = biased - 1022;
        double q = BitConverter.Int64BitsToDouble((bits & ~(0x7FFL << 52)) | (1022L << 52));
        long fixedPoint = (long)Math.Round(q * 2147483648.0, MidpointRounding.AwayFromZero);
        if (fixedPoint == 1L << 31)
        {
            fixedPoint /= 2;
            exponent++;
        }

        if (exponent < -31)
        {
            return new TfliteMultiplier(0, 0);
        }

        if (exponent > 30)
        {
            // Only a value that rounds up to 2^30 gets here.
            throw new ArgumentOutOfRangeException(nameof(real), real, "a TFLite multiplier must round to below 2^30");
        }

        return new TfliteMultiplier((int)fixedPoint, exponent);
    }

    /// <summary>The real value this multiplier stands for, <c>Multiplier * 2^(Shift - 31)</c>.</summary>
    public double ToReal() => Multiplier * Math.Pow(2, Shift - 31);
}

namespace ModelCompiler.Arithmetic;

/// <summary>
/// A positive real multiplier m as an int32 fixed-point value: <c>m ≈ Multiplier * 2^-Shift</c> with
/// Multiplier in [2^30, 2^31) and Shift in [1, 62] (see docs/arithmetic.md).
/// </summary>
public readonly record struct QuantizedMultiplier(int Multiplier, int Shift)
{
    /// <summary>
    /// Rounds <paramref name="real"/> to 31 significant bits. Multipliers below 2^-32 become (0, 62), which maps every
    /// int32 accumulator to 0 exactly as the real product would round; multipliers of 2^30 or more become
    /// (2^30, 1) = 2^29, which saturates every non-zero accumulator to the int8 limits exactly as the real one does.
    /// </summary>
    public static QuantizedMultiplier FromReal(double real)
    {
        if (!(real > 0) || double.IsInfinity(real))
        {
            throw new ArgumentOutOfRangeException(nameof(real), real, "a requantization multiplier must be finite and positive");
        }

        // real = q * 2^exponent with q in [0.5, 1), read from the IEEE bits (frexp is not in netstandard2.0).
        long bits = BitConverter.DoubleToInt64Bits(real);
        int biased = (int)((bits >> 52) & 0x7FF);
        int exponent;
        double q;
        if (biased == 0)
        {
            // Subnormal double: far below 2^-32, so the result is the zero multiplier anyway.
            return new QuantizedMultiplier(0, 62);
        }

        exponent = biased - 1022;
        q = BitConverter.Int64BitsToDouble((bits & ~(0x7FFL << 52)) | (1022L << 52));

        long m = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (m == 1L << 31)
        {
            m >>= 1;
            exponent++;
        }

        int shift = 31 - exponent;
        if (shift > 62)
        {
            return new QuantizedMultiplier(0, 62);
        }

        if (shift < 1)
        {
            return new QuantizedMultiplier(1 << 30, 1);
        }

        return new QuantizedMultiplier((int)m, shift);
    }

    /// <summary>The real value this fixed-point multiplier stands for.</summary>
    public double ToReal() => Multiplier * Math.Pow(2, -Shift);
}

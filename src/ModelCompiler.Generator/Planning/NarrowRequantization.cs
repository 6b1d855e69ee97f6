using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// The shorter AVX-512 requantization (the kernels' <c>RequantizeStoreNarrow512</c>), used by a blocked convolution or a
/// depthwise convolution when every channel's shift lies in [<see cref="MinShift"/>, <see cref="MaxShift"/>]: then the
/// requantized value fits in int32 before the clamp and the zero point can ride in the 64-bit rounding term. Otherwise
/// the layer keeps <see cref="BlockedConvLowering.RequantizationConstants"/> and <c>RequantizeStore512</c>.
/// </summary>
internal static class NarrowRequantization
{
    /// <summary>|acc * m| &lt; 2^62, so the value after a shift of at least 32, plus a zero point, fits in int32.</summary>
    public const int MinShift = 32;

    /// <summary>|acc * m| + 2^(s-1) + 128 * 2^s stays below 2^63 (no int64 wrap when the zero point is folded in).</summary>
    public const int MaxShift = 54;

    /// <summary>int64 constants per channel: shift, rounding term, multiplier.</summary>
    public const int LongsPerChannel = 3;

    /// <summary>
    /// Whether the narrow form computes the layer's rule: every (real) channel's shift in range, with either rounding
    /// (TFLite's term for a non-negative product, 2^(s-1) + 2^30 since s &gt; 31, is in the table; the kernel takes 2^31
    /// off where the product is negative).
    /// </summary>
    public static bool Applies(Int8Output output)
    {
        foreach (int s in output.Shifts)
        {
            if (s < MinShift || s > MaxShift)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Per block of 16 channels, 48 little-endian int64: the shifts of the even channels, the shifts of the odd channels
    /// less 32, the rounding terms <c>2^(s-1) + zp * 2^s</c> (with TFLite's rule <c>2^(s-1) + 2^30 + zp * 2^s</c>, a
    /// non-negative product's term) of the even and of the odd channels, then the multipliers of
    /// the even and of the odd channels. Padded channels get multiplier 0 and shift 32, which gives the zero point.
    /// </summary>
    public static byte[] Constants(Int8Output output, int paddedChannels)
    {
        var bytes = new byte[paddedChannels / WeightPacking.Lanes * 48 * 8];
        for (int block = 0; block < paddedChannels / WeightPacking.Lanes; block++)
        {
            for (int i = 0; i < 8; i++)
            {
                for (int odd = 0; odd < 2; odd++)
                {
                    int c = block * WeightPacking.Lanes + 2 * i + odd;
                    bool real = c < output.Shifts.Count;
                    int shift = real ? output.Shifts[c] : MinShift;
                    long multiplier = real ? output.Multipliers[c] : 0;
                    int at = (block * 48) + (odd * 8) + i;
                    BlockedConvLowering.WriteInt64(bytes, at, shift - (odd * 32));
                    BlockedConvLowering.WriteInt64(bytes, at + 16, RoundingTerm(shift, output.Rounding) + ((long)output.ZeroPoint << shift));
                    BlockedConvLowering.WriteInt64(bytes, at + 32, multiplier);
                }
            }
        }

        return bytes;
    }

    /// <summary>The rule's term for a non-negative product at <paramref name="shift"/> (&gt; 31 here).</summary>
    private static long RoundingTerm(int shift, Rounding rounding) =>
        rounding == Rounding.Tflite ? TfliteRequantizer.RoundingTerm(0, shift) : 1L << (shift - 1);

    /// <summary>The step's requantization table: the narrow one when it applies, else the 64-bit form's.</summary>
    public static byte[] ConstantsFor(Int8Output output, int paddedChannels) =>
        Applies(output) ? Constants(output, paddedChannels) : BlockedConvLowering.RequantizationConstants(output.Shifts, paddedChannels, output.Rounding);
}

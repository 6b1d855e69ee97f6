using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// The lookup tables of the table addition (the kernel AddInt8ByTables, single rounding): Int8Addition.Add as a sum of
/// two functions of one byte each plus a carry decided by comparing two more.
/// <para>
/// With <c>r1(q1)</c>, <c>r2(q2)</c> the inputs rescaled to the common scale (each a function of its own byte),
/// <c>P1 = r1 * M + 2^(s-1)</c> and <c>P2 = r2 * M</c> (exact in 64 bits), the requantized sum is
/// <c>floor((P1 + P2) / 2^s) = (P1 &gt;&gt; s) + (P2 &gt;&gt; s) + [(P2 mod 2^s) &gt;= 2^s - (P1 mod 2^s)]</c>.
/// The first side of the carry's comparison takes at most 256 values: R1 is its rank among them, R2 how many of them
/// the second side reaches, so the carry is <c>R2 &gt; R1</c> on bytes (<see cref="For"/> has the one exception). So the
/// output is <c>clamp(V1[q1] + V2[q2] + [R2[q2] &gt; R1[q1]])</c> with <c>V1 = (P1 &gt;&gt; s) + zp_out</c>, <c>V2 = P2 &gt;&gt; s</c>
/// (int16) and the ranks (unsigned bytes), tables of 256 entries; the kernel looks them up 64 bytes at a time
/// (vpermi2b), compares the ranks on bytes and adds in int16 lanes.
/// </para>
/// </summary>
internal static class AdditionTables
{
    /// <summary>The tables' bytes: per input (first, second) its value's low bytes, high bytes and its rank bytes, 256 each, indexed by the input byte as unsigned.</summary>
    public const int Length = 2 * 3 * 256;

    /// <summary>
    /// The tables for <paramref name="stage"/>, or null where they do not apply: TFLite's rounding (its final rounding
    /// depends on the sign of the whole sum, which is not a function of one byte), or a value table outside
    /// [-2^14, 2^14) (the sum of two and the carry must fit int16).
    /// </summary>
    public static byte[]? For(AdditionStage stage)
    {
        if (stage.Rounding != Rounding.Single || stage.OutputShift < 1 || stage.OutputShift > 62)
        {
            return null;
        }

        int s = stage.OutputShift;
        long mask = (1L << s) - 1;
        var firstValues = new long[256];
        var secondValues = new long[256];
        var firstBounds = new long[256];
        var secondRemainders = new long[256];
        for (int u = 0; u < 256; u++)
        {
            int q = (sbyte)u;
            int r1 = Requantizer.Rescale((q - stage.FirstZeroPoint) * (1 << Int8Addition.LeftShift), stage.FirstMultiplier, stage.FirstShift);
            int r2 = Requantizer.Rescale((q - stage.SecondZeroPoint) * (1 << Int8Addition.LeftShift), stage.SecondMultiplier, stage.SecondShift);
            long p1 = (long)r1 * stage.OutputMultiplier + (1L << (s - 1));
            long p2 = (long)r2 * stage.OutputMultiplier;
            firstValues[u] = (p1 >> s) + stage.OutputZeroPoint;
            secondValues[u] = p2 >> s;
            firstBounds[u] = (1L << s) - (p1 & mask);
            secondRemainders[u] = p2 & mask;
        }

        // The carry's comparison on bytes: a first bound's rank j among the distinct bounds (below 256), a second
        // remainder's count of bounds at or below it (at most 256); the carry is count > j. A count of 256 means a
        // carry whatever the first byte: it moves into the second's value and the count becomes 0 (never > j).
        long[] bounds = firstBounds.Distinct().OrderBy(v => v).ToArray();
        var tables = new byte[Length];
        for (int u = 0; u < 256; u++)
        {
            int count = UpperBound(bounds, secondRemainders[u]);
            if (count == 256)
            {
                secondValues[u]++;
                count = 0;
            }

            Put(tables, 0, u, firstValues[u], Array.BinarySearch(bounds, firstBounds[u]));
            Put(tables, 1, u, secondValues[u], count);
        }

        return FitsHalf(firstValues) && FitsHalf(secondValues) ? tables : null;
    }

    /// <summary>How many of the ascending <paramref name="sorted"/> are at most <paramref name="value"/>.</summary>
    private static int UpperBound(long[] sorted, long value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (sorted[middle] <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static bool FitsHalf(long[] values) => values.All(v => v >= -(1 << 14) && v < 1 << 14);

    private static void Put(byte[] tables, int input, int index, long value, int rank)
    {
        int at = input * 768 + index;
        tables[at] = (byte)value;
        tables[at + 256] = (byte)(value >> 8);
        tables[at + 512] = (byte)rank;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Requantizer.Requantize of 16 accumulators, exactly, for a layer whose every channel has a shift in [32, 54] (the
    /// generator checks; NarrowRequantization.Applies), in fewer instructions than <see cref="RequantizeStore512"/>:
    /// <list type="bullet">
    /// <item>the zero point is folded into the 64-bit rounding term, <c>2^(s-1) + zp * 2^s</c> (adding a multiple of
    /// 2^s commutes with the floor of the shift; with s &lt;= 54 the sum stays below 2^63);</item>
    /// <item>with s &gt;= 32 the shifted value, zero point included, fits in int32 (|acc * m| &lt; 2^62), so the clamp
    /// is done on int32 lanes and equals the 64-bit one;</item>
    /// <item>the odd lanes are shifted by s - 32 instead of s: the high half of <c>x &gt;&gt; (s - 32)</c> is
    /// <c>x &gt;&gt; s</c> when that fits in int32, so one blend joins the even lanes' low halves and the odd lanes' high
    /// halves without moving them.</item>
    /// </list>
    /// With TFLite's rule (<typeparamref name="TRounding"/> = <see cref="TfliteRounding"/>; every shift here is &gt; 31)
    /// the table's term is the one of a non-negative product, <c>2^(s-1) + 2^30 + zp * 2^s</c>, and a negative product
    /// gets 2^31 less (<see cref="NarrowTfliteCorrection"/>; docs/arithmetic.md, "The narrow form").
    /// <paramref name="constants"/> holds the block's 48 int64: the even channels' shifts, the odd channels' shifts
    /// less 32, the even and the odd rounding terms, the even and the odd multipliers (each in the low half of its int64).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RequantizeStoreNarrow512<TRounding>(Vector512<int> acc, ref long constants, int min, int max, ref sbyte target, int count)
        where TRounding : struct
    {
        Vector512<int> merged = NarrowRequantize512<TRounding>(
            acc,
            Vector512.LoadUnsafe(ref constants, 32).AsInt32(),
            Vector512.LoadUnsafe(ref constants, 40).AsInt32(),
            Vector512.LoadUnsafe(ref constants, 16),
            Vector512.LoadUnsafe(ref constants, 24),
            Vector512.LoadUnsafe(ref constants).AsUInt64(),
            Vector512.LoadUnsafe(ref constants, 8).AsUInt64());
        Vector128<sbyte> bytes;
        if (min == sbyte.MinValue && max == sbyte.MaxValue)
        {
            bytes = Avx512F.ConvertToVector128SByteWithSaturation(merged);
        }
        else
        {
            bytes = Avx512F.ConvertToVector128SByte(Avx512F.Min(Avx512F.Max(merged, Vector512.Create(min)), Vector512.Create(max)));
        }

        if (count >= 16)
        {
            bytes.StoreUnsafe(ref target);
        }
        else
        {
            StoreFirst(bytes, ref target, count);
        }
    }

    /// <summary>
    /// The narrow requantization before the clamp (<see cref="RequantizeStoreNarrow512{TRounding}"/>'s list): 64-bit
    /// products of the even lanes and of the odd lanes (each multiplier in the low half of its int64), plus the terms
    /// (zero point folded in; TFLite's correction where a product is negative), the even lanes shifted by their shift and
    /// the odd lanes by theirs less 32, joined into int32 lanes by one blend.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> NarrowRequantize512<TRounding>(
        Vector512<int> acc, Vector512<int> evenMultipliers, Vector512<int> oddMultipliers, Vector512<long> evenTerms, Vector512<long> oddTerms,
        Vector512<ulong> evenShifts, Vector512<ulong> oddShiftsLess32)
        where TRounding : struct
    {
        Vector512<long> even = Avx512F.Multiply(acc, evenMultipliers);
        Vector512<long> odd = Avx512F.Multiply(Avx512F.ShiftRightLogical(acc.AsInt64(), 32).AsInt32(), oddMultipliers);
        Vector512<long> evenSum = Avx512F.Add(even, evenTerms);
        Vector512<long> oddSum = Avx512F.Add(odd, oddTerms);
        if (typeof(TRounding) == typeof(TfliteRounding))
        {
            evenSum = NarrowTfliteCorrection(even, evenSum);
            oddSum = NarrowTfliteCorrection(odd, oddSum);
        }

        return Avx512F.BlendVariable(
            Avx512F.ShiftRightArithmeticVariable(evenSum, evenShifts).AsInt32(),
            Avx512F.ShiftRightArithmeticVariable(oddSum, oddShiftsLess32).AsInt32(),
            Vector512.Create(unchecked((long)0xFFFFFFFF00000000UL)).AsInt32());
    }

    /// <summary>
    /// TFLite's term for a negative product, given the sum with the non-negative product's term: 2^31 less where
    /// <paramref name="product"/> &lt; 0. Written as a select on the sign so that the JIT makes it a sign-bit mask
    /// (vpmovq2m) and one masked subtraction, two instructions where <c>(product &gt;&gt; 63) &amp; -2^31</c> added
    /// took three; the requantization of a small-K pointwise layer is most of its instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> NarrowTfliteCorrection(Vector512<long> product, Vector512<long> sum) =>
        Vector512.ConditionalSelect(Vector512.IsNegative(product), sum - Vector512.Create(1L << 31), sum);
}

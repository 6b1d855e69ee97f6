using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Whether <see cref="AddInt8Narrow512{TRounding}"/> computes this addition exactly: each input's shift less
    /// <see cref="Int8Addition.LeftShift"/> in [8, 22] (its rescaling splits into two int32 products) and the output's
    /// shift in [32, 54] (the requantized value fits in int32 with the zero point folded into the rounding term, as in
    /// <see cref="RequantizeStoreNarrow512{TRounding}"/>). docs/arithmetic.md, "The narrow addition", has the proof.
    /// </summary>
    internal static bool NarrowAdditionApplies(int firstShift, int secondShift, int outputShift) =>
        NarrowInputShift(firstShift) && NarrowInputShift(secondShift) && outputShift >= 32 && outputShift <= 54;

    private static bool NarrowInputShift(int shift) => shift - Int8Addition.LeftShift >= 8 && shift - Int8Addition.LeftShift <= 22;

    /// <summary>
    /// AddInt8's AVX-512 loop in fewer instructions, where <see cref="NarrowAdditionApplies"/>: 16 values a step, up to
    /// the last whole 16 (the index reached is returned; AddInt8 finishes the rest).
    /// <list type="bullet">
    /// <item>Each input's rescaling, <c>((q - zp) * 2^20 * m + T) &gt;&gt; s</c>, is <c>d * mh + ((d * ml + T / 2^20) &gt;&gt; (s - 20))</c>
    /// with <c>d = q - zp</c> (|d| &lt;= 255), <c>mh = m &gt;&gt; (s - 20)</c>, <c>ml = m mod 2^(s - 20)</c>: two int32
    /// products (vpmulld) and an int32 shift instead of two 64-bit product chains, the multiple of 2^(s - 20) being taken
    /// out of the floor. TFLite's term for a negative product is T less 2^31, i.e. T / 2^20 less 2^11 where d &lt; 0.</item>
    /// <item>The sum's requantization is <see cref="NarrowRequantize512{TRounding}"/> (the convolutions' narrow form) with one
    /// multiplier and shift for every lane: zero point in the 64-bit term, odd lanes shifted 32 less, clamp on int32.</item>
    /// </list>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int AddInt8Narrow512<TRounding>(
        ref sbyte first, ref sbyte second, ref sbyte target, int count,
        int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max)
        where TRounding : struct
    {
        int s1 = firstShift - Int8Addition.LeftShift, s2 = secondShift - Int8Addition.LeftShift;
        var z1 = Vector512.Create(firstZeroPoint);
        var z2 = Vector512.Create(secondZeroPoint);
        var high1 = Vector512.Create(firstMultiplier >> s1);
        var high2 = Vector512.Create(secondMultiplier >> s2);
        var low1 = Vector512.Create(firstMultiplier & ((1 << s1) - 1));
        var low2 = Vector512.Create(secondMultiplier & ((1 << s2) - 1));
        var term1 = Vector512.Create((int)(PositiveTerm<TRounding>(firstShift) >> Int8Addition.LeftShift));
        var term2 = Vector512.Create((int)(PositiveTerm<TRounding>(secondShift) >> Int8Addition.LeftShift));
        var negative1 = Vector512.Create((int)(NegativeCorrection(firstShift) >> Int8Addition.LeftShift));
        var negative2 = Vector512.Create((int)(NegativeCorrection(secondShift) >> Int8Addition.LeftShift));
        var shift1 = Vector512.Create((uint)s1);
        var shift2 = Vector512.Create((uint)s2);
        var mOut = Vector512.Create((long)outputMultiplier).AsInt32();
        var termOut = Vector512.Create(PositiveTerm<TRounding>(outputShift) + ((long)outputZeroPoint << outputShift));
        var evenShift = Vector512.Create((ulong)outputShift);
        var oddShift = Vector512.Create((ulong)(outputShift - 32));
        var low = Vector512.Create(min);
        var high = Vector512.Create(max);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            Vector512<int> d1 = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref first, i))) - z1;
            Vector512<int> d2 = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref second, i))) - z2;
            Vector512<int> sum = NarrowRescale<TRounding>(d1, high1, low1, term1, negative1, shift1) + NarrowRescale<TRounding>(d2, high2, low2, term2, negative2, shift2);
            Vector512<int> merged = NarrowRequantize512<TRounding>(sum, mOut, mOut, termOut, termOut, evenShift, oddShift);
            Avx512F.ConvertToVector128SByte(Avx512F.Min(Avx512F.Max(merged, low), high)).StoreUnsafe(ref Unsafe.Add(ref target, i));
        }

        return i;
    }

    /// <summary>
    /// <c>d * mh + ((d * ml + term [+ negative where d &lt; 0]) &gt;&gt; shift)</c> per int32 lane: an input's rescaling,
    /// split as <see cref="AddInt8Narrow512{TRounding}"/> describes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> NarrowRescale<TRounding>(
        Vector512<int> d, Vector512<int> high, Vector512<int> low, Vector512<int> term, Vector512<int> negative, Vector512<uint> shift)
        where TRounding : struct
    {
        Vector512<int> rounded = d * low + term;
        if (typeof(TRounding) == typeof(TfliteRounding))
        {
            rounded += Avx512F.ShiftRightArithmetic(d, 31) & negative;
        }

        return d * high + Avx512F.ShiftRightArithmeticVariable(rounded, shift);
    }
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// The AVX2 form of <see cref="AddInt8Narrow512{TRounding}"/> (same arithmetic, same conditions,
    /// <see cref="NarrowAdditionApplies"/>): 32 values a step, up to the last whole 32 (the index reached is returned;
    /// AddInt8 finishes the rest). Each input's rescaling is two vpmulld and an int32 shift (<see cref="NarrowRescale256{TRounding}"/>);
    /// the sum's requantization is vpmuldq on the even and the odd lanes with the zero point in the 64-bit term, and the
    /// 64-bit arithmetic shift AVX2 lacks is taken as two floors, as in <see cref="NarrowRequantize256{TRounding}"/>: the
    /// high int32 halves joined by one vshufps (lanes 0, 2, 1, 3 of each 4), then vpsravd by <c>shift - 32</c>. The four
    /// vectors of 8 are packed with saturation (the clamp bounds lie in int8, so clamping the saturated bytes is clamping
    /// the values) and put back in order by one vpshufb and one vpermd.
    /// <para>
    /// With the single rounding the inputs' zero points leave the loop: <c>d * mh + ((d * ml + T) &gt;&gt; s')</c> with
    /// <c>d = q - zp</c> is <c>q * mh + ((q * ml + T - zp * ml) &gt;&gt; s') - zp * mh</c> (the floor's argument is the same
    /// number), and <c>C = zp1 * mh1 + zp2 * mh2</c> leaves the sum: the loop requantizes <c>a + b + C</c> with the output's
    /// term less <c>C * m_out</c> (int64 arithmetic wraps, and the total is the unchanged value). That needs
    /// <c>|a + b + C| &lt; 2^31</c>: <c>|a + b| &lt; 2^28</c> (docs/arithmetic.md), so <c>|C| &lt; 2^31 - 2^28</c>, else this
    /// returns 0 and AddInt8's 64-bit loop does it all. TFLite's rule keeps <c>d</c>: its output rounding depends on the
    /// sign of <c>a + b</c> itself.
    /// </para>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int AddInt8Narrow256<TRounding>(
        ref sbyte first, ref sbyte second, ref sbyte target, int count,
        int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max)
        where TRounding : struct
    {
        bool fold = typeof(TRounding) != typeof(TfliteRounding);
        int s1 = firstShift - Int8Addition.LeftShift, s2 = secondShift - Int8Addition.LeftShift;
        int mh1 = firstMultiplier >> s1, mh2 = secondMultiplier >> s2;
        int ml1 = firstMultiplier & ((1 << s1) - 1), ml2 = secondMultiplier & ((1 << s2) - 1);
        long folded = fold ? ((long)firstZeroPoint * mh1) + ((long)secondZeroPoint * mh2) : 0;
        if (Math.Abs(folded) >= (1L << 31) - (1L << 28))
        {
            return 0;
        }

        var z1 = Vector256.Create(fold ? 0 : firstZeroPoint);
        var z2 = Vector256.Create(fold ? 0 : secondZeroPoint);
        var high1 = Vector256.Create(mh1);
        var high2 = Vector256.Create(mh2);
        var low1 = Vector256.Create(ml1);
        var low2 = Vector256.Create(ml2);
        var term1 = Vector256.Create((int)(PositiveTerm<TRounding>(firstShift) >> Int8Addition.LeftShift) - (fold ? firstZeroPoint * ml1 : 0));
        var term2 = Vector256.Create((int)(PositiveTerm<TRounding>(secondShift) >> Int8Addition.LeftShift) - (fold ? secondZeroPoint * ml2 : 0));
        var negative1 = Vector256.Create((int)(NegativeCorrection(firstShift) >> Int8Addition.LeftShift));
        var negative2 = Vector256.Create((int)(NegativeCorrection(secondShift) >> Int8Addition.LeftShift));
        var shift1 = Vector256.Create((uint)s1);
        var shift2 = Vector256.Create((uint)s2);
        var mOut = Vector256.Create((long)outputMultiplier).AsInt32();
        var termOut = Vector256.Create(unchecked(PositiveTerm<TRounding>(outputShift) + ((long)outputZeroPoint << outputShift) - (folded * outputMultiplier)));
        var shiftOut = Vector256.Create((uint)(outputShift - 32));
        var low = Vector256.Create((sbyte)min);
        var high = Vector256.Create((sbyte)max);
        // packssdw then packsswb leave, per 128-bit lane, 4 bytes of each vector of 8 in turn, each 4 in the order
        // 0, 2, 1, 3 (the vshufps): vpshufb swaps the middle bytes, vpermd takes dwords 0, 4, 1, 5, ... in order.
        var middle = Vector256.Create((sbyte)0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15, 0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15);
        var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        int i = 0;
        for (; i + 32 <= count; i += 32)
        {
            Vector256<int> y0 = NarrowAddEight<TRounding>(ref Unsafe.Add(ref first, i), ref Unsafe.Add(ref second, i), z1, z2, high1, high2, low1, low2, term1, term2, negative1, negative2, shift1, shift2, mOut, termOut, shiftOut);
            Vector256<int> y1 = NarrowAddEight<TRounding>(ref Unsafe.Add(ref first, i + 8), ref Unsafe.Add(ref second, i + 8), z1, z2, high1, high2, low1, low2, term1, term2, negative1, negative2, shift1, shift2, mOut, termOut, shiftOut);
            Vector256<int> y2 = NarrowAddEight<TRounding>(ref Unsafe.Add(ref first, i + 16), ref Unsafe.Add(ref second, i + 16), z1, z2, high1, high2, low1, low2, term1, term2, negative1, negative2, shift1, shift2, mOut, termOut, shiftOut);
            Vector256<int> y3 = NarrowAddEight<TRounding>(ref Unsafe.Add(ref first, i + 24), ref Unsafe.Add(ref second, i + 24), z1, z2, high1, high2, low1, low2, term1, term2, negative1, negative2, shift1, shift2, mOut, termOut, shiftOut);
            Vector256<sbyte> bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(y0, y1), Avx2.PackSignedSaturate(y2, y3));
            bytes = Avx2.PermuteVar8x32(Avx2.Shuffle(bytes, middle).AsInt32(), order).AsSByte();
            Avx2.Min(Avx2.Max(bytes, low), high).StoreUnsafe(ref Unsafe.Add(ref target, i));
        }

        return i;
    }

    /// <summary>
    /// The 8 sums of the 8 bytes at <paramref name="first"/> and <paramref name="second"/>, requantized (zero point
    /// included, not clamped) in int32 lanes in the order 0, 2, 1, 3 | 4, 6, 5, 7, as <see cref="AddInt8Narrow256{TRounding}"/>
    /// describes. With the single rounding the zero points are folded and nothing is subtracted; TFLite's rule subtracts
    /// <paramref name="z1"/> and <paramref name="z2"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> NarrowAddEight<TRounding>(
        ref sbyte first, ref sbyte second, Vector256<int> z1, Vector256<int> z2, Vector256<int> high1, Vector256<int> high2, Vector256<int> low1, Vector256<int> low2,
        Vector256<int> term1, Vector256<int> term2, Vector256<int> negative1, Vector256<int> negative2, Vector256<uint> shift1, Vector256<uint> shift2,
        Vector256<int> mOut, Vector256<long> termOut, Vector256<uint> shiftOut)
        where TRounding : struct
    {
        Vector256<int> d1 = Avx2.ConvertToVector256Int32(Eight(ref first));
        Vector256<int> d2 = Avx2.ConvertToVector256Int32(Eight(ref second));
        if (typeof(TRounding) == typeof(TfliteRounding))
        {
            d1 = Avx2.Subtract(d1, z1);
            d2 = Avx2.Subtract(d2, z2);
        }

        Vector256<int> sum = Avx2.Add(NarrowRescale256<TRounding>(d1, high1, low1, term1, negative1, shift1), NarrowRescale256<TRounding>(d2, high2, low2, term2, negative2, shift2));
        Vector256<long> even = Avx2.Multiply(sum, mOut);
        Vector256<long> odd = Avx2.Multiply(Avx2.ShiftRightLogical(sum.AsInt64(), 32).AsInt32(), mOut);
        Vector256<long> evenSum = Avx2.Add(even, termOut);
        Vector256<long> oddSum = Avx2.Add(odd, termOut);
        if (typeof(TRounding) == typeof(TfliteRounding))
        {
            Vector256<long> correction = Vector256.Create(1L << 31);
            evenSum = Avx2.Subtract(evenSum, Avx2.CompareGreaterThan(Vector256<long>.Zero, even) & correction);
            oddSum = Avx2.Subtract(oddSum, Avx2.CompareGreaterThan(Vector256<long>.Zero, odd) & correction);
        }

        Vector256<int> highHalves = Avx.Shuffle(evenSum.AsSingle(), oddSum.AsSingle(), 0b11_01_11_01).AsInt32();
        return Avx2.ShiftRightArithmeticVariable(highHalves, shiftOut);
    }

    /// <summary>
    /// The AVX2 form of <see cref="NarrowRescale{TRounding}"/>: <c>d * mh + ((d * ml + term [+ negative where d &lt; 0]) &gt;&gt; shift)</c>
    /// per int32 lane (with folded zero points <c>d</c> is <c>q</c> and the term holds <c>-zp * ml</c>: TFLite's rule never folds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> NarrowRescale256<TRounding>(
        Vector256<int> d, Vector256<int> high, Vector256<int> low, Vector256<int> term, Vector256<int> negative, Vector256<uint> shift)
        where TRounding : struct
    {
        Vector256<int> rounded = Avx2.Add(Avx2.MultiplyLow(d, low), term);
        if (typeof(TRounding) == typeof(TfliteRounding))
        {
            rounded = Avx2.Add(rounded, Avx2.ShiftRightArithmetic(d, 31) & negative);
        }

        return Avx2.Add(Avx2.MultiplyLow(d, high), Avx2.ShiftRightArithmeticVariable(rounded, shift));
    }
}

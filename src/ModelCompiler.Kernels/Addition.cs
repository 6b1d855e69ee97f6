using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Element-wise int8 addition, exactly Int8Addition.Add per element: each input less its zero point, times 2^20,
    /// rescaled to the common scale (one rounding), the two summed, requantized to the output (one rounding, zero point,
    /// clamp). The vector paths hold (q - zp) * 2^20 (|.| &lt; 2^28) and the rescaled sums (29 bits) in int32 lanes and
    /// take every product in 64 bits (AVX-512 and AVX2: vpmuldq on the even and the odd lanes; Vector128: 64-bit lanes),
    /// where nothing can wrap (multipliers &lt; 2^31, rounding terms &lt;= 2^61 + 2^30), so they are the scalar rule lane by
    /// lane; the tail and the scalar path call it. <typeparamref name="TRounding"/> is the rule (TFLite's: TfliteAddition.Add).
    /// Where the shifts allow, the AVX-512 path is <see cref="AddInt8Narrow512{TRounding}"/>'s shorter loop and the AVX2
    /// path <see cref="AddInt8Narrow256{TRounding}"/>'s. Fully optimised at once: tier-0 code inlines nothing, so every
    /// helper (Eight, the Rescale forms) would be a call until the method is recompiled.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddInt8<TRounding>(
        ref sbyte first, ref sbyte second, ref sbyte target, int count,
        int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max, int vectorBits)
        where TRounding : struct
    {
        int i = 0;
        if (vectorBits >= 512 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            if (NarrowAdditionApplies(firstShift, secondShift, outputShift))
            {
                i = AddInt8Narrow512<TRounding>(
                    ref first, ref second, ref target, count, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift,
                    outputMultiplier, outputShift, outputZeroPoint, min, max);
            }

            // 16 values a step in int32 lanes; every product is vpmuldq (int32 x int32 -> int64) on the even and the odd lanes.
            var m1 = Vector512.Create((long)firstMultiplier).AsInt32();
            var m2 = Vector512.Create((long)secondMultiplier).AsInt32();
            var mOut = Vector512.Create((long)outputMultiplier).AsInt32();
            var r1 = Vector512.Create(PositiveTerm<TRounding>(firstShift));
            var r2 = Vector512.Create(PositiveTerm<TRounding>(secondShift));
            var rOut = Vector512.Create(PositiveTerm<TRounding>(outputShift));
            var n1 = Vector512.Create(NegativeCorrection(firstShift));
            var n2 = Vector512.Create(NegativeCorrection(secondShift));
            var nOut = Vector512.Create(NegativeCorrection(outputShift));
            var z1 = Vector512.Create(firstZeroPoint);
            var z2 = Vector512.Create(secondZeroPoint);
            var low = Vector512.Create((long)(min - outputZeroPoint));
            var high = Vector512.Create((long)(max - outputZeroPoint));
            for (; i + 16 <= count; i += 16)
            {
                Vector512<int> a = (Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref first, i))) - z1) << Int8Addition.LeftShift;
                Vector512<int> b = (Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref second, i))) - z2) << Int8Addition.LeftShift;
                Vector512<int> aOdd = Avx512F.ShiftRightLogical(a.AsInt64(), 32).AsInt32(), bOdd = Avx512F.ShiftRightLogical(b.AsInt64(), 32).AsInt32();
                // Each rescaled input fits in 29 bits (multipliers at most 1/2), so the sums' low halves are the sums.
                Vector512<long> sumEven = Rescale512<TRounding>(a, m1, r1, n1, firstShift) + Rescale512<TRounding>(b, m2, r2, n2, secondShift);
                Vector512<long> sumOdd = Rescale512<TRounding>(aOdd, m1, r1, n1, firstShift) + Rescale512<TRounding>(bOdd, m2, r2, n2, secondShift);
                Vector512<long> even = Vector512.Min(Vector512.Max(Rescale512<TRounding>(sumEven.AsInt32(), mOut, rOut, nOut, outputShift), low), high);
                Vector512<long> odd = Vector512.Min(Vector512.Max(Rescale512<TRounding>(sumOdd.AsInt32(), mOut, rOut, nOut, outputShift), low), high);
                Vector512<int> merged = Avx512F.Or(Avx512F.And(even, Vector512.Create(0xFFFFFFFFL)), Avx512F.ShiftLeftLogical(odd, 32)).AsInt32();
                Avx512F.ConvertToVector128SByte(merged + Vector512.Create(outputZeroPoint)).StoreUnsafe(ref Unsafe.Add(ref target, i));
            }
        }

        if (vectorBits >= 256 && Avx2.IsSupported && Vector256.IsHardwareAccelerated)
        {
            if (NarrowAdditionApplies(firstShift, secondShift, outputShift))
            {
                i += AddInt8Narrow256<TRounding>(
                    ref Unsafe.Add(ref first, i), ref Unsafe.Add(ref second, i), ref Unsafe.Add(ref target, i), count - i, firstZeroPoint, firstMultiplier, firstShift,
                    secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
            }

            // The rest (or all where the shifts do not allow the narrow form): 8 values a step, as above with vpmuldq on 256 bits (AVX2 has no 64-bit arithmetic shift or min/max; the
            // shifts and the clamp of the few 64-bit lanes are emulated, the multiplies are not).
            var m1 = Vector256.Create((long)firstMultiplier).AsInt32();
            var m2 = Vector256.Create((long)secondMultiplier).AsInt32();
            var mOut = Vector256.Create((long)outputMultiplier).AsInt32();
            var r1 = Vector256.Create(PositiveTerm<TRounding>(firstShift));
            var r2 = Vector256.Create(PositiveTerm<TRounding>(secondShift));
            var rOut = Vector256.Create(PositiveTerm<TRounding>(outputShift));
            var n1 = Vector256.Create(NegativeCorrection(firstShift));
            var n2 = Vector256.Create(NegativeCorrection(secondShift));
            var nOut = Vector256.Create(NegativeCorrection(outputShift));
            var z1 = Vector256.Create(firstZeroPoint);
            var z2 = Vector256.Create(secondZeroPoint);
            var low = Vector256.Create((long)(min - outputZeroPoint));
            var high = Vector256.Create((long)(max - outputZeroPoint));
            for (; i + 8 <= count; i += 8)
            {
                Vector256<int> a = (Avx2.ConvertToVector256Int32(Eight(ref Unsafe.Add(ref first, i))) - z1) << Int8Addition.LeftShift;
                Vector256<int> b = (Avx2.ConvertToVector256Int32(Eight(ref Unsafe.Add(ref second, i))) - z2) << Int8Addition.LeftShift;
                Vector256<int> aOdd = Avx2.ShiftRightLogical(a.AsInt64(), 32).AsInt32(), bOdd = Avx2.ShiftRightLogical(b.AsInt64(), 32).AsInt32();
                Vector256<long> sumEven = Rescale256<TRounding>(a, m1, r1, n1, firstShift) + Rescale256<TRounding>(b, m2, r2, n2, secondShift);
                Vector256<long> sumOdd = Rescale256<TRounding>(aOdd, m1, r1, n1, firstShift) + Rescale256<TRounding>(bOdd, m2, r2, n2, secondShift);
                Vector256<long> even = Vector256.Min(Vector256.Max(Rescale256<TRounding>(sumEven.AsInt32(), mOut, rOut, nOut, outputShift), low), high);
                Vector256<long> odd = Vector256.Min(Vector256.Max(Rescale256<TRounding>(sumOdd.AsInt32(), mOut, rOut, nOut, outputShift), low), high);
                Vector256<int> merged = Avx2.Or(Avx2.And(even, Vector256.Create(0xFFFFFFFFL)), Avx2.ShiftLeftLogical(odd, 32)).AsInt32() + Vector256.Create(outputZeroPoint);
                // The clamped values fit int8, so narrowing (truncation) keeps them.
                Vector128<short> shorts = Vector128.Narrow(merged.GetLower(), merged.GetUpper());
                Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref target, i)), Vector128.Narrow(shorts, shorts).AsInt64().ToScalar());
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            // Portable (SSE on x86, AdvSimd on ARM64): 8 values widened to four vectors of two 64-bit lanes.
            for (; i + 8 <= count; i += 8)
            {
                var (a0, a1, a2, a3) = WidenToInt64(Eight(ref Unsafe.Add(ref first, i)));
                var (b0, b1, b2, b3) = WidenToInt64(Eight(ref Unsafe.Add(ref second, i)));
                Vector128<long> y0 = AddLanes128<TRounding>(a0, b0, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                Vector128<long> y1 = AddLanes128<TRounding>(a1, b1, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                Vector128<long> y2 = AddLanes128<TRounding>(a2, b2, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                Vector128<long> y3 = AddLanes128<TRounding>(a3, b3, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                // The clamped values fit int8, so narrowing (truncation) keeps them.
                Vector128<short> halves = Vector128.Narrow(Vector128.Narrow(y0, y1), Vector128.Narrow(y2, y3));
                Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref target, i)), Vector128.Narrow(halves, halves).AsInt64().ToScalar());
            }
        }

        var multipliers = new AdditionMultipliers(
            new QuantizedMultiplier(firstMultiplier, firstShift), new QuantizedMultiplier(secondMultiplier, secondShift), new QuantizedMultiplier(outputMultiplier, outputShift));
        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = (sbyte)(typeof(TRounding) == typeof(TfliteRounding)
                ? TfliteAddition.Add(Unsafe.Add(ref first, i), firstZeroPoint, Unsafe.Add(ref second, i), secondZeroPoint, multipliers, outputZeroPoint, min, max)
                : Int8Addition.Add(Unsafe.Add(ref first, i), firstZeroPoint, Unsafe.Add(ref second, i), secondZeroPoint, multipliers, outputZeroPoint, min, max));
        }
    }

    /// <summary>Element-wise float32 addition then the fused activation (0 none, 1 ReLU, 2 ReLU6), as the reference: one float32 add per element.</summary>
    internal static void AddFloat(ref float first, ref float second, ref float target, int count, int activation)
    {
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref target, i) = Activate(Unsafe.Add(ref first, i) + Unsafe.Add(ref second, i), activation);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Eight(ref sbyte source) =>
        Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte();

    /// <summary>The low 8 bytes of <paramref name="bytes"/>, sign-extended to 64 bits, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<long>, Vector128<long>, Vector128<long>, Vector128<long>) WidenToInt64(Vector128<sbyte> bytes)
    {
        Vector128<short> shorts = Vector128.WidenLower(bytes);
        Vector128<int> low = Vector128.WidenLower(shorts), high = Vector128.WidenUpper(shorts);
        return (Vector128.WidenLower(low), Vector128.WidenUpper(low), Vector128.WidenLower(high), Vector128.WidenUpper(high));
    }

    /// <summary>Int8Addition.Add (or TfliteAddition.Add) on two 64-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> AddLanes128<TRounding>(
        Vector128<long> a, Vector128<long> b, int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max)
        where TRounding : struct
    {
        Vector128<long> sum = Rescale128<TRounding>((a - Vector128.Create((long)firstZeroPoint)) << Int8Addition.LeftShift, firstMultiplier, firstShift)
            + Rescale128<TRounding>((b - Vector128.Create((long)secondZeroPoint)) << Int8Addition.LeftShift, secondMultiplier, secondShift);
        Vector128<long> y = Rescale128<TRounding>(sum, outputMultiplier, outputShift);
        return Vector128.Min(Vector128.Max(y + Vector128.Create((long)outputZeroPoint), Vector128.Create((long)min)), Vector128.Create((long)max));
    }

    /// <summary>
    /// Requantizer.Rescale of the even int32 lanes of <paramref name="value"/> (vpmuldq reads the low half of each 64-bit
    /// lane) by the multiplier in the low halves of <paramref name="multiplier"/>: exact 64-bit product, + the rounding term
    /// (<see cref="RoundingTerm{TRounding}(Vector512{long}, Vector512{long}, Vector512{long})"/>), shift.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Rescale512<TRounding>(Vector512<int> value, Vector512<int> multiplier, Vector512<long> rounding, Vector512<long> negativeCorrection, int shift)
        where TRounding : struct
    {
        Vector512<long> product = Avx512F.Multiply(value, multiplier);
        return Vector512.ShiftRightArithmetic(product + RoundingTerm<TRounding>(product, rounding, negativeCorrection), shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Rescale256<TRounding>(Vector256<int> value, Vector256<int> multiplier, Vector256<long> rounding, Vector256<long> negativeCorrection, int shift)
        where TRounding : struct
    {
        Vector256<long> product = Avx2.Multiply(value, multiplier);
        return Vector256.ShiftRightArithmetic(product + RoundingTerm<TRounding>(product, rounding, negativeCorrection), shift);
    }

    /// <summary>Requantizer.Rescale (or TfliteRequantizer.Rescale) of a value per 64-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> Rescale128<TRounding>(Vector128<long> value, int multiplier, int shift)
        where TRounding : struct
    {
        Vector128<long> product = value * Vector128.Create((long)multiplier);
        Vector128<long> term = RoundingTerm<TRounding>(product, Vector128.Create(PositiveTerm<TRounding>(shift)), Vector128.Create(NegativeCorrection(shift)));
        return Vector128.ShiftRightArithmetic(product + term, shift);
    }
}

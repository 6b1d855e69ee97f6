using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Requantizer.Requantize (or TFLite's rule, <typeparamref name="TRounding"/>) of 16 accumulators, exactly: 64-bit
    /// products of the even and the odd lanes (vpmuldq), + the rounding term, arithmetic shift by the channel's shift, clamp to [min - zp, max - zp] in 64 bits,
    /// + zp, narrowed to int8. <paramref name="constants"/> holds the block's 32 int64 (see the data's comment).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RequantizeStore512<TRounding>(Vector512<int> acc, ref int multipliers, ref long constants, int zeroPoint, int min, int max, ref sbyte target, int count)
        where TRounding : struct
    {
        Vector512<int> m = Vector512.LoadUnsafe(ref multipliers);
        Vector512<long> even = Avx512F.Multiply(acc, m);
        Vector512<long> odd = Avx512F.Multiply(Avx512F.ShiftRightLogical(acc.AsInt64(), 32).AsInt32(), Avx512F.ShiftRightLogical(m.AsInt64(), 32).AsInt32());
        Vector512<long> evenShifts = Vector512.LoadUnsafe(ref constants), oddShifts = Vector512.LoadUnsafe(ref constants, 8);
        Vector512<long> evenTerm = Vector512.LoadUnsafe(ref constants, 16), oddTerm = Vector512.LoadUnsafe(ref constants, 24);
        if (typeof(TRounding) == typeof(TfliteRounding))
        {
            // TFLite's rule: where shift > 31, a negative product's term is 2^31 less (see RoundingTerm).
            Vector512<long> big = Vector512.Create(31L), correction = Vector512.Create(-(1L << 31));
            evenTerm = RoundingTerm<TRounding>(even, evenTerm, Vector512.GreaterThan(evenShifts, big) & correction);
            oddTerm = RoundingTerm<TRounding>(odd, oddTerm, Vector512.GreaterThan(oddShifts, big) & correction);
        }

        even = Avx512F.ShiftRightArithmeticVariable(Avx512F.Add(even, evenTerm), evenShifts.AsUInt64());
        odd = Avx512F.ShiftRightArithmeticVariable(Avx512F.Add(odd, oddTerm), oddShifts.AsUInt64());
        Vector512<long> low = Vector512.Create((long)(min - zeroPoint)), high = Vector512.Create((long)(max - zeroPoint));
        even = Avx512F.Min(Avx512F.Max(even, low), high);
        odd = Avx512F.Min(Avx512F.Max(odd, low), high);
        Vector512<int> merged = Avx512F.Or(Avx512F.And(even, Vector512.Create(0xFFFFFFFFL)), Avx512F.ShiftLeftLogical(odd, 32)).AsInt32();
        Vector128<sbyte> bytes = Avx512F.ConvertToVector128SByte(Avx512F.Add(merged, Vector512.Create(zeroPoint)));
        if (count >= 16)
        {
            bytes.StoreUnsafe(ref target);
        }
        else
        {
            StoreFirst(bytes, ref target, count);
        }
    }

    /// <summary>Requantize&lt;TRounding&gt; of <paramref name="count"/> staged accumulators (the non-AVX-512 paths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RequantizeStaged<TRounding>(ref int staged, ref int multipliers, ref int shifts, int zeroPoint, int min, int max, ref sbyte target, int count)
        where TRounding : struct
    {
        for (int c = 0; c < count; c++)
        {
            Unsafe.Add(ref target, c) = (sbyte)Requantize<TRounding>(Unsafe.Add(ref staged, c), Unsafe.Add(ref multipliers, c), Unsafe.Add(ref shifts, c), zeroPoint, min, max);
        }
    }
}

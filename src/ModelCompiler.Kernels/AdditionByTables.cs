using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Element-wise int8 addition (single rounding) by lookup tables, 64 values a step: the generator's AdditionTables
    /// split Int8Addition.Add into <c>clamp(V1[q1] + V2[q2] + [R2[q2] &gt; R1[q1]], min, max)</c>, tables of 256 entries
    /// (<paramref name="tables"/>: per input its int16 value's low bytes, high bytes, and its unsigned rank bytes). Where
    /// AVX-512 VBMI is there and <paramref name="vectorBits"/> allows, each byte table is two vpermi2b (entries 0-127 and
    /// 128-255) and a blend on the index's top bit; the ranks are compared on bytes, the values' bytes joined into int16
    /// lanes (vpunpcklbw/vpunpckhbw) and added with the carry, and packed back with signed saturation
    /// (vpacksswb, which undoes the unpacking's order and clamps to int8; min and max are one byte max and min). The
    /// rest, and every other machine, is <see cref="AddInt8{TRounding}"/> with the same constants.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddInt8ByTables(
        ref sbyte first, ref sbyte second, ref sbyte target, int count, ref byte tables,
        int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Avx512Vbmi.IsSupported && Vector512.IsHardwareAccelerated)
        {
            i = AddInt8ByTables512(ref first, ref second, ref target, count, ref tables, min, max);
        }

        if (i < count)
        {
            AddInt8<SingleRounding>(
                ref Unsafe.Add(ref first, i), ref Unsafe.Add(ref second, i), ref Unsafe.Add(ref target, i), count - i,
                firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max, vectorBits);
        }
    }

    /// <summary>The VBMI loop of <see cref="AddInt8ByTables"/> up to the last whole 64 values; returns the index reached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddInt8ByTables512(ref sbyte first, ref sbyte second, ref sbyte target, int count, ref byte tables, int min, int max)
    {
        // Twenty-four registers of tables: per input its value's low bytes, high bytes and its rank bytes, each in four.
        ref byte t = ref tables;
        Vector512<byte> va00 = Vector512.LoadUnsafe(ref t, 0), va01 = Vector512.LoadUnsafe(ref t, 64), va02 = Vector512.LoadUnsafe(ref t, 128), va03 = Vector512.LoadUnsafe(ref t, 192);
        Vector512<byte> va10 = Vector512.LoadUnsafe(ref t, 256), va11 = Vector512.LoadUnsafe(ref t, 320), va12 = Vector512.LoadUnsafe(ref t, 384), va13 = Vector512.LoadUnsafe(ref t, 448);
        Vector512<byte> ra0 = Vector512.LoadUnsafe(ref t, 512), ra1 = Vector512.LoadUnsafe(ref t, 576), ra2 = Vector512.LoadUnsafe(ref t, 640), ra3 = Vector512.LoadUnsafe(ref t, 704);
        Vector512<byte> vb00 = Vector512.LoadUnsafe(ref t, 768), vb01 = Vector512.LoadUnsafe(ref t, 832), vb02 = Vector512.LoadUnsafe(ref t, 896), vb03 = Vector512.LoadUnsafe(ref t, 960);
        Vector512<byte> vb10 = Vector512.LoadUnsafe(ref t, 1024), vb11 = Vector512.LoadUnsafe(ref t, 1088), vb12 = Vector512.LoadUnsafe(ref t, 1152), vb13 = Vector512.LoadUnsafe(ref t, 1216);
        Vector512<byte> rb0 = Vector512.LoadUnsafe(ref t, 1280), rb1 = Vector512.LoadUnsafe(ref t, 1344), rb2 = Vector512.LoadUnsafe(ref t, 1408), rb3 = Vector512.LoadUnsafe(ref t, 1472);
        var low = Vector512.Create((sbyte)min);
        var high = Vector512.Create((sbyte)max);
        int i = 0;
        for (; i + 64 <= count; i += 64)
        {
            Vector512<byte> a = Vector512.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref first), (nuint)i);
            Vector512<byte> b = Vector512.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref second), (nuint)i);
            Vector512<byte> aUpper = Vector512.LessThan(a.AsSByte(), Vector512<sbyte>.Zero).AsByte();
            Vector512<byte> bUpper = Vector512.LessThan(b.AsSByte(), Vector512<sbyte>.Zero).AsByte();
            Vector512<byte> va0 = Lookup(a, aUpper, va00, va01, va02, va03), va1 = Lookup(a, aUpper, va10, va11, va12, va13);
            Vector512<byte> vb0 = Lookup(b, bUpper, vb00, vb01, vb02, vb03), vb1 = Lookup(b, bUpper, vb10, vb11, vb12, vb13);
            Vector512<byte> carry = Vector512.GreaterThan(Lookup(b, bUpper, rb0, rb1, rb2, rb3), Lookup(a, aUpper, ra0, ra1, ra2, ra3));

            // Bytes 0-7 of each 128-bit lane (UnpackLow) and 8-15 (UnpackHigh) as int16 (the carry as 0 or -1); the
            // pack puts them back in order.
            Vector512<short> sumLow = Avx512BW.UnpackLow(va0, va1).AsInt16() + Avx512BW.UnpackLow(vb0, vb1).AsInt16() - Avx512BW.UnpackLow(carry, carry).AsInt16();
            Vector512<short> sumHigh = Avx512BW.UnpackHigh(va0, va1).AsInt16() + Avx512BW.UnpackHigh(vb0, vb1).AsInt16() - Avx512BW.UnpackHigh(carry, carry).AsInt16();
            Vector512<sbyte> y = Vector512.Min(Vector512.Max(Avx512BW.PackSignedSaturate(sumLow, sumHigh), low), high);
            y.StoreUnsafe(ref target, (nuint)i);
        }

        return i;
    }

    /// <summary>
    /// Entries <paramref name="indices"/> of a 256-entry byte table held in four registers (entries 0-63, 64-127, 128-191,
    /// 192-255): vpermi2b reads the low 7 bits of each index; <paramref name="upper"/> (all ones where an index is 128 or
    /// more) picks the upper pair's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Lookup(Vector512<byte> indices, Vector512<byte> upper, Vector512<byte> t0, Vector512<byte> t1, Vector512<byte> t2, Vector512<byte> t3) =>
        Vector512.ConditionalSelect(upper, Avx512Vbmi.PermuteVar64x8x2(t2, indices, t3), Avx512Vbmi.PermuteVar64x8x2(t0, indices, t1));
}

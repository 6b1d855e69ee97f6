using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Quantize over a run, exactly as Quantizer.Quantize: the float32 division is the same IEEE operation, rounding
    /// an integral-valued float to even is exact in float as in double, and |r| &lt; 256 keeps r + zp exact (larger
    /// values clamp either way); NaN is selected to -128 explicitly. The AVX-512 path converts with embedded
    /// round-to-nearest-even and narrows with saturation instead (QuantizeVector512); the AVX2 path (vdivps is about
    /// as fast per vector as the 128-bit one, so 8 lanes halve the divisions' cost) takes NaN by the order of vmaxps'
    /// operands instead (QuantizeVector256).
    /// </summary>
    internal static void QuantizeRun(ref float source, ref sbyte target, int count, float scale, int zeroPoint, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Avx512F.IsSupported)
        {
            for (; i + 64 <= count; i += 64)
            {
                var a = Avx512F.ConvertToVector128SByteWithSaturation(QuantizeVector512(Vector512.LoadUnsafe(ref source, (nuint)i), scale, zeroPoint));
                var b = Avx512F.ConvertToVector128SByteWithSaturation(QuantizeVector512(Vector512.LoadUnsafe(ref source, (nuint)(i + 16)), scale, zeroPoint));
                var c = Avx512F.ConvertToVector128SByteWithSaturation(QuantizeVector512(Vector512.LoadUnsafe(ref source, (nuint)(i + 32)), scale, zeroPoint));
                var d = Avx512F.ConvertToVector128SByteWithSaturation(QuantizeVector512(Vector512.LoadUnsafe(ref source, (nuint)(i + 48)), scale, zeroPoint));
                Vector512.Create(Vector256.Create(a, b), Vector256.Create(c, d)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 256 && Avx2.IsSupported)
        {
            // vpackssdw and vpacksswb pack within 128-bit lanes: dwords a0, b0, c0, d0 | a1, b1, c1, d1 (4 values each); vpermd restores the order.
            Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            for (; i + 32 <= count; i += 32)
            {
                var a = QuantizeVector256(Vector256.LoadUnsafe(ref source, (nuint)i), scale, zeroPoint);
                var b = QuantizeVector256(Vector256.LoadUnsafe(ref source, (nuint)(i + 8)), scale, zeroPoint);
                var c = QuantizeVector256(Vector256.LoadUnsafe(ref source, (nuint)(i + 16)), scale, zeroPoint);
                var d = QuantizeVector256(Vector256.LoadUnsafe(ref source, (nuint)(i + 24)), scale, zeroPoint);
                Vector256<sbyte> bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d));
                Avx2.PermuteVar8x32(bytes.AsInt32(), order).AsSByte().StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                var a = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)i), scale, zeroPoint);
                var b = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)(i + 4)), scale, zeroPoint);
                var c = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)(i + 8)), scale, zeroPoint);
                var d = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)(i + 12)), scale, zeroPoint);
                Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = (sbyte)Quantizer.Quantize(Unsafe.Add(ref source, i), scale, zeroPoint);
        }
    }

    /// <summary>
    /// round(x / scale) + zp per lane, before the saturating narrow to int8 (vpmovsdb, the clamp to [-128, 127]). The
    /// quotient is first clamped to [-512, 512] in float (x86 min/max return their second operand, the quotient, when
    /// it is NaN), which changes no clamped result; vcvtps2dq with embedded round-to-nearest-even then is the scalar
    /// Math.Round(ToEven) exactly; NaN converts to int.MinValue, which the max with -1024 keeps below -128 after + zp.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> QuantizeVector512(Vector512<float> x, float scale, int zeroPoint)
    {
        Vector512<float> ratio = Avx512F.Max(Vector512.Create(-512f), Avx512F.Min(Vector512.Create(512f), x / Vector512.Create(scale)));
        Vector512<int> rounded = Avx512F.ConvertToVector512Int32(ratio, FloatRoundingMode.ToEven);
        return Avx512F.Max(rounded, Vector512.Create(-1024)) + Vector512.Create(zeroPoint);
    }

    /// <summary>
    /// round(x / scale) + zp per lane, clamped to [-128, 127], as <see cref="QuantizeVector"/> computes it (round to
    /// even in float, then + zp, exact for |r| &lt; 256, and larger values clamp either way). NaN needs no select: vmaxps
    /// returns its second operand when either is NaN, so the max with -128 written that way round makes NaN -128, as
    /// Quantizer.Quantize does (Vector256.Max would propagate the NaN instead).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> QuantizeVector256(Vector256<float> x, float scale, int zeroPoint)
    {
        Vector256<float> v = Avx.RoundToNearestInteger(Avx.Divide(x, Vector256.Create(scale))) + Vector256.Create((float)zeroPoint);
        return Avx.ConvertToVector256Int32WithTruncation(Avx.Min(Avx.Max(v, Vector256.Create(-128f)), Vector256.Create(127f)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> QuantizeVector(Vector128<float> x, float scale, int zeroPoint)
    {
        Vector128<float> v = Vector128.Round(x / Vector128.Create(scale)) + Vector128.Create((float)zeroPoint);
        v = Vector128.ConditionalSelect(Vector128.Equals(v, v), v, Vector128.Create(-128f));
        return Vector128.ConvertToInt32(Vector128.Min(Vector128.Max(v, Vector128.Create(-128f)), Vector128.Create(127f)));
    }
}

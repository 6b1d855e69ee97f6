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
    /// clamp). The vector paths keep every lane in 64 bits, where nothing can wrap (|q - zp| * 2^20 &lt; 2^28, multipliers
    /// &lt; 2^31, rounding terms &lt;= 2^61), so they are the scalar rule lane by lane; the tail and the scalar path call it.
    /// </summary>
    internal static void AddInt8(
        ref sbyte first, ref sbyte second, ref sbyte target, int count,
        int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector512<long> a = Avx512F.ConvertToVector512Int64(Eight(ref Unsafe.Add(ref first, i)));
                Vector512<long> b = Avx512F.ConvertToVector512Int64(Eight(ref Unsafe.Add(ref second, i)));
                Vector512<long> y = AddLanes512(a, b, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref target, i)), Avx512F.ConvertToVector128SByte(y).AsInt64().ToScalar());
            }
        }

        if (vectorBits >= 256 && Avx2.IsSupported && Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= count; i += 4)
            {
                Vector256<long> a = Avx2.ConvertToVector256Int64(Four(ref Unsafe.Add(ref first, i)));
                Vector256<long> b = Avx2.ConvertToVector256Int64(Four(ref Unsafe.Add(ref second, i)));
                Vector256<long> y = AddLanes256(a, b, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                for (int lane = 0; lane < 4; lane++)
                {
                    Unsafe.Add(ref target, i + lane) = (sbyte)y.GetElement(lane);
                }
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            // Portable (SSE on x86, AdvSimd on ARM64): 8 values widened to four vectors of two 64-bit lanes.
            for (; i + 8 <= count; i += 8)
            {
                var (a0, a1, a2, a3) = WidenToInt64(Eight(ref Unsafe.Add(ref first, i)));
                var (b0, b1, b2, b3) = WidenToInt64(Eight(ref Unsafe.Add(ref second, i)));
                Vector128<long> y0 = AddLanes128(a0, b0, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                Vector128<long> y1 = AddLanes128(a1, b1, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                Vector128<long> y2 = AddLanes128(a2, b2, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                Vector128<long> y3 = AddLanes128(a3, b3, firstZeroPoint, firstMultiplier, firstShift, secondZeroPoint, secondMultiplier, secondShift, outputMultiplier, outputShift, outputZeroPoint, min, max);
                // The clamped values fit int8, so narrowing (truncation) keeps them.
                Vector128<short> halves = Vector128.Narrow(Vector128.Narrow(y0, y1), Vector128.Narrow(y2, y3));
                Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref target, i)), Vector128.Narrow(halves, halves).AsInt64().ToScalar());
            }
        }

        var multipliers = new AdditionMultipliers(
            new QuantizedMultiplier(firstMultiplier, firstShift), new QuantizedMultiplier(secondMultiplier, secondShift), new QuantizedMultiplier(outputMultiplier, outputShift));
        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = (sbyte)Int8Addition.Add(
                Unsafe.Add(ref first, i), firstZeroPoint, Unsafe.Add(ref second, i), secondZeroPoint, multipliers, outputZeroPoint, min, max);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Four(ref sbyte source) =>
        Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte();

    /// <summary>The low 8 bytes of <paramref name="bytes"/>, sign-extended to 64 bits, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<long>, Vector128<long>, Vector128<long>, Vector128<long>) WidenToInt64(Vector128<sbyte> bytes)
    {
        Vector128<short> shorts = Vector128.WidenLower(bytes);
        Vector128<int> low = Vector128.WidenLower(shorts), high = Vector128.WidenUpper(shorts);
        return (Vector128.WidenLower(low), Vector128.WidenUpper(low), Vector128.WidenLower(high), Vector128.WidenUpper(high));
    }

    /// <summary>Int8Addition.Add on eight 64-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> AddLanes512(
        Vector512<long> a, Vector512<long> b, int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max)
    {
        Vector512<long> sum = Rescale512(a, firstZeroPoint, firstMultiplier, firstShift) + Rescale512(b, secondZeroPoint, secondMultiplier, secondShift);
        Vector512<long> y = Vector512.ShiftRightArithmetic(sum * Vector512.Create((long)outputMultiplier) + Vector512.Create(1L << (outputShift - 1)), outputShift);
        return Vector512.Min(Vector512.Max(y + Vector512.Create((long)outputZeroPoint), Vector512.Create((long)min)), Vector512.Create((long)max));
    }

    /// <summary>Int8Addition.Add on four 64-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> AddLanes256(
        Vector256<long> a, Vector256<long> b, int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max)
    {
        Vector256<long> sum = Rescale256(a, firstZeroPoint, firstMultiplier, firstShift) + Rescale256(b, secondZeroPoint, secondMultiplier, secondShift);
        Vector256<long> y = Vector256.ShiftRightArithmetic(sum * Vector256.Create((long)outputMultiplier) + Vector256.Create(1L << (outputShift - 1)), outputShift);
        return Vector256.Min(Vector256.Max(y + Vector256.Create((long)outputZeroPoint), Vector256.Create((long)min)), Vector256.Create((long)max));
    }

    /// <summary>Int8Addition.Add on two 64-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> AddLanes128(
        Vector128<long> a, Vector128<long> b, int firstZeroPoint, int firstMultiplier, int firstShift, int secondZeroPoint, int secondMultiplier, int secondShift,
        int outputMultiplier, int outputShift, int outputZeroPoint, int min, int max)
    {
        Vector128<long> sum = Rescale128(a, firstZeroPoint, firstMultiplier, firstShift) + Rescale128(b, secondZeroPoint, secondMultiplier, secondShift);
        Vector128<long> y = Vector128.ShiftRightArithmetic(sum * Vector128.Create((long)outputMultiplier) + Vector128.Create(1L << (outputShift - 1)), outputShift);
        return Vector128.Min(Vector128.Max(y + Vector128.Create((long)outputZeroPoint), Vector128.Create((long)min)), Vector128.Create((long)max));
    }

    /// <summary>Requantizer.Rescale((q - zp) * 2^20, M) per 64-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Rescale512(Vector512<long> q, int zeroPoint, int multiplier, int shift) =>
        Vector512.ShiftRightArithmetic(
            ((q - Vector512.Create((long)zeroPoint)) << Int8Addition.LeftShift) * Vector512.Create((long)multiplier) + Vector512.Create(1L << (shift - 1)), shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Rescale256(Vector256<long> q, int zeroPoint, int multiplier, int shift) =>
        Vector256.ShiftRightArithmetic(
            ((q - Vector256.Create((long)zeroPoint)) << Int8Addition.LeftShift) * Vector256.Create((long)multiplier) + Vector256.Create(1L << (shift - 1)), shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> Rescale128(Vector128<long> q, int zeroPoint, int multiplier, int shift) =>
        Vector128.ShiftRightArithmetic(
            ((q - Vector128.Create((long)zeroPoint)) << Int8Addition.LeftShift) * Vector128.Create((long)multiplier) + Vector128.Create(1L << (shift - 1)), shift);
}

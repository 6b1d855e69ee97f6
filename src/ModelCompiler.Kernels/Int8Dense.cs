using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Dense on the uint8 input (q + 128): four units at a time share each input load. With
    /// <typeparamref name="TWeights"/> = <see cref="SevenBitWeights"/> MultiplyAddAdjacent(u8, s8) cannot saturate
    /// (weights in [-64, 63]); with <see cref="FullRangeWeights"/> the input is halved first (FullRangeWeights.cs).
    /// int32 sums wrap, which is exact because the true accumulator fits (TensorChain checks it).
    /// <typeparamref name="TRounding"/> is the requantization rule.
    /// </summary>
    internal static void DenseUnsigned<TRounding, TWeights>(ref byte x, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref sbyte output, int units, int paddedLength, int zeroPoint, int min, int max, int vectorBits)
        where TRounding : struct
        where TWeights : struct
    {
        int u = 0;
        if (vectorBits >= Avx512VnniBits && Avx512BW.IsSupported)
        {
            u = DenseEightUnits<TRounding, TWeights>(ref x, ref weights, ref bias, ref multipliers, ref shifts, ref output, units, paddedLength, zeroPoint, min, max);

            // The last four units: two 256-bit halves per unit (.NET 10 has no 512-bit vpdpbusd), each its own chain
            // so that the instruction's latency overlaps across the 8 accumulators.
            for (; u + 4 <= units; u += 4)
            {
                ref sbyte w = ref Unsafe.Add(ref weights, u * paddedLength);
                Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero, a2 = Vector256<int>.Zero, a3 = Vector256<int>.Zero;
                Vector256<int> b0 = Vector256<int>.Zero, b1 = Vector256<int>.Zero, b2 = Vector256<int>.Zero, b3 = Vector256<int>.Zero;
                for (int i = 0; i < paddedLength; i += 64)
                {
                    Vector256<byte> low = Vector256.LoadUnsafe(ref x, (nuint)i), high = Vector256.LoadUnsafe(ref x, (nuint)(i + 32));
                    a0 = MultiplyAddBytes<TWeights>(a0, low, Vector256.LoadUnsafe(ref w, (nuint)i));
                    b0 = MultiplyAddBytes<TWeights>(b0, high, Vector256.LoadUnsafe(ref w, (nuint)(i + 32)));
                    a1 = MultiplyAddBytes<TWeights>(a1, low, Vector256.LoadUnsafe(ref w, (nuint)(i + paddedLength)));
                    b1 = MultiplyAddBytes<TWeights>(b1, high, Vector256.LoadUnsafe(ref w, (nuint)(i + paddedLength + 32)));
                    a2 = MultiplyAddBytes<TWeights>(a2, low, Vector256.LoadUnsafe(ref w, (nuint)(i + 2 * paddedLength)));
                    b2 = MultiplyAddBytes<TWeights>(b2, high, Vector256.LoadUnsafe(ref w, (nuint)(i + 2 * paddedLength + 32)));
                    a3 = MultiplyAddBytes<TWeights>(a3, low, Vector256.LoadUnsafe(ref w, (nuint)(i + 3 * paddedLength)));
                    b3 = MultiplyAddBytes<TWeights>(b3, high, Vector256.LoadUnsafe(ref w, (nuint)(i + 3 * paddedLength + 32)));
                }

                StoreUnit<TRounding>(u, Vector256.Sum(Avx2.Add(a0, b0)), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
                StoreUnit<TRounding>(u + 1, Vector256.Sum(Avx2.Add(a1, b1)), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
                StoreUnit<TRounding>(u + 2, Vector256.Sum(Avx2.Add(a2, b2)), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
                StoreUnit<TRounding>(u + 3, Vector256.Sum(Avx2.Add(a3, b3)), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
            }
        }
        else if (vectorBits >= 512 && Avx512BW.IsSupported && typeof(TWeights) == typeof(FullRangeWeights))
        {
            u = DenseHalves512<TRounding>(ref x, ref weights, ref bias, ref multipliers, ref shifts, ref output, units, paddedLength, zeroPoint, min, max);
        }
        else if (vectorBits >= 512 && Avx512BW.IsSupported)
        {
            Vector512<short> ones = Vector512.Create((short)1);
            for (; u + 4 <= units; u += 4)
            {
                ref sbyte w = ref Unsafe.Add(ref weights, u * paddedLength);
                Vector512<int> a0 = Vector512<int>.Zero, a1 = Vector512<int>.Zero, a2 = Vector512<int>.Zero, a3 = Vector512<int>.Zero;
                for (int i = 0; i < paddedLength; i += 64)
                {
                    Vector512<byte> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                    a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)i)), ones));
                    a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)(i + paddedLength))), ones));
                    a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)(i + 2 * paddedLength))), ones));
                    a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)(i + 3 * paddedLength))), ones));
                }

                StoreUnit<TRounding>(u, Vector512.Sum(a0), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
                StoreUnit<TRounding>(u + 1, Vector512.Sum(a1), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
                StoreUnit<TRounding>(u + 2, Vector512.Sum(a2), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
                StoreUnit<TRounding>(u + 3, Vector512.Sum(a3), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
            }
        }

        for (; u < units; u++)
        {
            StoreUnit<TRounding>(u, DotUnsigned<TWeights>(ref x, ref Unsafe.Add(ref weights, u * paddedLength), paddedLength, vectorBits), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
        }
    }

    /// <summary>
    /// The vpdpbusd dense loop, eight units at a time: one 32-byte input load feeds eight rows (one accumulator each,
    /// eight independent chains, the most that fit ymm0-15 beside the input), and the eight sums are reduced together
    /// (three rounds of vphaddd and a lane swap) before each unit is requantized. Against four units of two halves,
    /// MobileNetV2's 1280 -> 1001 layer (weights streamed from L3, 1.28 MB) ran 0.85-0.90x the time, side by side in
    /// one process. Returns the number of units done (a multiple of 8); the caller finishes the rest.
    /// </summary>
    private static int DenseEightUnits<TRounding, TWeights>(ref byte x, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref sbyte output, int units, int paddedLength, int zeroPoint, int min, int max)
        where TRounding : struct
        where TWeights : struct
    {
        nuint p1 = (nuint)paddedLength, p2 = 2 * p1, p3 = 3 * p1, p4 = 4 * p1, p5 = 5 * p1, p6 = 6 * p1, p7 = 7 * p1;
        int u = 0;
        for (; u + 8 <= units; u += 8)
        {
            ref sbyte w = ref Unsafe.Add(ref weights, u * paddedLength);
            ref byte v = ref x;
            Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero, a2 = Vector256<int>.Zero, a3 = Vector256<int>.Zero;
            Vector256<int> a4 = Vector256<int>.Zero, a5 = Vector256<int>.Zero, a6 = Vector256<int>.Zero, a7 = Vector256<int>.Zero;
            // Rows are padded to 64: two 32-byte steps per iteration (the shape measured; one step an iteration
            // was no faster than the four-unit loop).
            for (int i = 0; i < paddedLength; i += 64)
            {
                for (int half = 0; half < 2; half++)
                {
                    Vector256<byte> input = Vector256.LoadUnsafe(ref v);
                    a0 = MultiplyAddBytes<TWeights>(a0, input, Vector256.LoadUnsafe(ref w));
                    a1 = MultiplyAddBytes<TWeights>(a1, input, Vector256.LoadUnsafe(ref w, p1));
                    a2 = MultiplyAddBytes<TWeights>(a2, input, Vector256.LoadUnsafe(ref w, p2));
                    a3 = MultiplyAddBytes<TWeights>(a3, input, Vector256.LoadUnsafe(ref w, p3));
                    a4 = MultiplyAddBytes<TWeights>(a4, input, Vector256.LoadUnsafe(ref w, p4));
                    a5 = MultiplyAddBytes<TWeights>(a5, input, Vector256.LoadUnsafe(ref w, p5));
                    a6 = MultiplyAddBytes<TWeights>(a6, input, Vector256.LoadUnsafe(ref w, p6));
                    a7 = MultiplyAddBytes<TWeights>(a7, input, Vector256.LoadUnsafe(ref w, p7));
                    v = ref Unsafe.Add(ref v, 32);
                    w = ref Unsafe.Add(ref w, 32);
                }
            }

            // [a0 a1 a2 a3 | a0 a1 a2 a3] partial sums of the low and high lanes, and the same for a4..a7; int32 adds
            // wrap in any order, so the totals are the scalar order's.
            Vector256<int> low = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3));
            Vector256<int> high = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a4, a5), Avx2.HorizontalAdd(a6, a7));
            Vector256<int> sums = Avx2.Add(Avx2.Permute2x128(low, high, 0x20), Avx2.Permute2x128(low, high, 0x31));
            for (int k = 0; k < 8; k++)
            {
                StoreUnit<TRounding>(u + k, sums.GetElement(k), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
            }
        }

        return u;
    }

    /// <summary>Unit <paramref name="u"/>'s output: its bias + <paramref name="dot"/> (wrapping), requantized.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreUnit<TRounding>(int u, int dot, ref int bias, ref int multipliers, ref int shifts, ref sbyte output, int zeroPoint, int min, int max)
        where TRounding : struct =>
        Unsafe.Add(ref output, u) = (sbyte)Requantize<TRounding>(unchecked(Unsafe.Add(ref bias, u) + dot), Unsafe.Add(ref multipliers, u), Unsafe.Add(ref shifts, u), zeroPoint, min, max);

    /// <summary>Σ x[i] * w[i] for uint8 x and <typeparamref name="TWeights"/> w over a row padded to 64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotUnsigned<TWeights>(ref byte x, ref sbyte w, int paddedLength, int vectorBits)
        where TWeights : struct
    {
        if (typeof(TWeights) == typeof(FullRangeWeights) && vectorBits >= 256 && Avx2.IsSupported)
        {
            return DotHalves(ref x, ref w, paddedLength, vectorBits);
        }

        if (vectorBits >= 512 && Avx512BW.IsSupported)
        {
            Vector512<int> a = Vector512<int>.Zero;
            for (int i = 0; i < paddedLength; i += 64)
            {
                a = Avx512F.Add(a, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref w, (nuint)i)), Vector512.Create((short)1)));
            }

            return Vector512.Sum(a);
        }

        if (vectorBits >= 256 && Avx2.IsSupported)
        {
            Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero;
            for (int i = 0; i < paddedLength; i += 64)
            {
                a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref w, (nuint)i)), Vector256.Create((short)1)));
                a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref x, (nuint)(i + 32)), Vector256.LoadUnsafe(ref w, (nuint)(i + 32))), Vector256.Create((short)1)));
            }

            return Vector256.Sum(Avx2.Add(a0, a1));
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            // Portable (ARM64 too): widen both to int16, multiply (255 * 127 fits), widen the products and add.
            Vector128<int> a0 = Vector128<int>.Zero, a1 = Vector128<int>.Zero;
            for (int i = 0; i < paddedLength; i += 16)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref x, (nuint)i);
                Vector128<sbyte> k = Vector128.LoadUnsafe(ref w, (nuint)i);
                Vector128<short> low = Vector128.WidenLower(v).AsInt16() * Vector128.WidenLower(k);
                Vector128<short> high = Vector128.WidenUpper(v).AsInt16() * Vector128.WidenUpper(k);
                a0 += Vector128.WidenLower(low) + Vector128.WidenUpper(low);
                a1 += Vector128.WidenLower(high) + Vector128.WidenUpper(high);
            }

            return Vector128.Sum(a0 + a1);
        }

        int sum = 0;
        for (int i = 0; i < paddedLength; i++)
        {
            sum = unchecked(sum + Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i));
        }

        return sum;
    }
}

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
            // Two 256-bit halves per unit (.NET 10 has no 512-bit vpdpbusd), each its own chain so that the
            // instruction's latency overlaps across the 8 accumulators.
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

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// The general receptive-field copy for windows that touch the padding: order (ky, kx, ci), padded cells hold
    /// the input zero point (so, with the zero point folded into the bias, they add exactly nothing).
    /// </summary>
    internal static void GatherPatch(ref sbyte input, ref short patch, int top, int left, int inputHeight, int inputWidth, int channels, int kernelHeight, int kernelWidth, int zeroPoint)
    {
        int p = 0;
        for (int ky = 0; ky < kernelHeight; ky++)
        {
            int iy = top + ky;
            for (int kx = 0; kx < kernelWidth; kx++)
            {
                int ix = left + kx;
                if (unchecked((uint)iy < (uint)inputHeight && (uint)ix < (uint)inputWidth))
                {
                    ref sbyte source = ref Unsafe.Add(ref input, (iy * inputWidth + ix) * channels);
                    for (int c = 0; c < channels; c++)
                    {
                        Unsafe.Add(ref patch, p + c) = Unsafe.Add(ref source, c);
                    }
                }
                else
                {
                    for (int c = 0; c < channels; c++)
                    {
                        Unsafe.Add(ref patch, p + c) = (short)zeroPoint;
                    }
                }

                p += channels;
            }
        }
    }

    /// <summary>count int8 values widened to int16 (sign-extended; exact on every path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WidenRun(ref sbyte source, ref short target, int count, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)i));
                lower.StoreUnsafe(ref target, (nuint)i);
                upper.StoreUnsafe(ref target, (nuint)(i + 8));
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int PatchPair(ref short patch, int k) => Unsafe.ReadUnaligned<int>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref patch, k)));

    /// <summary>
    /// acc[c] = bias[c] + Σ_k patch[k] * w[c][k] for every output channel, weights packed [block][k/2][16][2].
    /// Int16 x int16 pairs summed into int32 (MultiplyAddAdjacent on int16 cannot saturate here); the partial
    /// sums are combined in wrapping int32, which is exact because the total fits (TensorChain checks it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ConvDot(ref short patch, ref sbyte weights, ref int bias, ref int acc, int paddedLength, int blocks, int vectorBits)
    {
        if (vectorBits >= 512 && Avx512BW.IsSupported)
        {
            for (int b = 0; b < blocks; b++)
            {
                ref sbyte w = ref Unsafe.Add(ref weights, b * paddedLength * 16);
                Vector512<int> a0 = Vector512.LoadUnsafe(ref bias, (nuint)(b * 16)), a1 = Vector512<int>.Zero, a2 = Vector512<int>.Zero, a3 = Vector512<int>.Zero;
                for (int k = 0; k < paddedLength; k += 8)
                {
                    a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16))), Vector512.Create(PatchPair(ref patch, k)).AsInt16()));
                    a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16 + 32))), Vector512.Create(PatchPair(ref patch, k + 2)).AsInt16()));
                    a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16 + 64))), Vector512.Create(PatchPair(ref patch, k + 4)).AsInt16()));
                    a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16 + 96))), Vector512.Create(PatchPair(ref patch, k + 6)).AsInt16()));
                }

                Avx512F.Add(Avx512F.Add(a0, a1), Avx512F.Add(a2, a3)).StoreUnsafe(ref acc, (nuint)(b * 16));
            }
        }
        else if (vectorBits >= 256 && Avx2.IsSupported)
        {
            for (int b = 0; b < blocks; b++)
            {
                for (int h = 0; h < 2; h++)
                {
                    ref sbyte w = ref Unsafe.Add(ref weights, b * paddedLength * 16 + h * 16);
                    Vector256<int> a0 = Vector256.LoadUnsafe(ref bias, (nuint)(b * 16 + h * 8)), a1 = Vector256<int>.Zero;
                    for (int k = 0; k < paddedLength; k += 4)
                    {
                        a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)(k * 16))), Vector256.Create(PatchPair(ref patch, k)).AsInt16()));
                        a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)(k * 16 + 32))), Vector256.Create(PatchPair(ref patch, k + 2)).AsInt16()));
                    }

                    Avx2.Add(a0, a1).StoreUnsafe(ref acc, (nuint)(b * 16 + h * 8));
                }
            }
        }
        else if (vectorBits >= 128 && Sse41.IsSupported)
        {
            for (int b = 0; b < blocks; b++)
            {
                for (int q = 0; q < 4; q++)
                {
                    ref byte w = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref weights, b * paddedLength * 16 + q * 8));
                    Vector128<int> a0 = Vector128.LoadUnsafe(ref bias, (nuint)(b * 16 + q * 4)), a1 = Vector128<int>.Zero;
                    for (int k = 0; k < paddedLength; k += 4)
                    {
                        Vector128<short> w0 = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref w, k * 16))).AsSByte());
                        Vector128<short> w1 = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref w, k * 16 + 32))).AsSByte());
                        a0 = Sse2.Add(a0, Sse2.MultiplyAddAdjacent(w0, Vector128.Create(PatchPair(ref patch, k)).AsInt16()));
                        a1 = Sse2.Add(a1, Sse2.MultiplyAddAdjacent(w1, Vector128.Create(PatchPair(ref patch, k + 2)).AsInt16()));
                    }

                    Sse2.Add(a0, a1).StoreUnsafe(ref acc, (nuint)(b * 16 + q * 4));
                }
            }
        }
        else
        {
            for (int b = 0; b < blocks; b++)
            {
                ref sbyte w = ref Unsafe.Add(ref weights, b * paddedLength * 16);
                for (int lane = 0; lane < 16; lane++)
                {
                    int sum = Unsafe.Add(ref bias, b * 16 + lane);
                    for (int k = 0; k < paddedLength; k += 2)
                    {
                        sum = unchecked(sum + Unsafe.Add(ref patch, k) * Unsafe.Add(ref w, k * 16 + lane * 2) + Unsafe.Add(ref patch, k + 1) * Unsafe.Add(ref w, k * 16 + lane * 2 + 1));
                    }

                    Unsafe.Add(ref acc, b * 16 + lane) = sum;
                }
            }
        }
    }

    /// <summary>best[c] = max(best[c], acc[c]): the fused max pool, on accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MaxInto(ref int best, ref int acc, int count)
    {
        for (int c = 0; c < count; c++)
        {
            int value = Unsafe.Add(ref acc, c);
            if (value > Unsafe.Add(ref best, c))
            {
                Unsafe.Add(ref best, c) = value;
            }
        }
    }
}

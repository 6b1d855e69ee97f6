using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

/// <summary>
/// Kernels for int8 layers whose weights have a zero point (TFLite's legacy uint8 scheme, the format's
/// <c>weight_zero_point</c>). The generator stores the centred weights <c>w − zw</c> (in [-255, 255]) as int16 and the
/// kernels multiply them with the input (a convolution's patch from <c>GatherPatch</c>, <c>zx</c> folded into the bias)
/// or the centred input <c>x − zx</c> (dense, depthwise), so each accumulator is exactly the interpreter's
/// <c>bias + Σ (x − zx)(w − zw)</c> modulo 2^32, which is the value itself because it fits int32. No vector instruction can saturate: MultiplyAddAdjacent on int16
/// saturates only for two products of -32768 · -32768, and no operand here is below -255; int32 sums wrap alike on every
/// path, and the total fits int32 (the format's accumulator check allows for 255 · 255 per product).
/// </summary>
internal static partial class KernelLibrary
{
    /// <summary>
    /// One receptive field as int16 in order (ky, kx, ci); padded cells hold the input zero point <c>zx</c> (so, with
    /// <c>zx · Σ(w − zw)</c> folded into the bias, they add exactly nothing).
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

    /// <summary>target[i] = source[i] − zeroPoint as int16, for <paramref name="count"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CenterRun(ref sbyte source, ref short target, int count, int zeroPoint)
    {
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref target, i) = (short)(Unsafe.Add(ref source, i) - zeroPoint);
        }
    }

    /// <summary>
    /// Σ a[i]·b[i] over <paramref name="length"/> int16 values (a multiple of 32), in wrapping int32: the widest
    /// MultiplyAddAdjacent path <paramref name="vectorBits"/> allows, else scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CenteredDot(ref short a, ref short b, int length, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Avx512BW.IsSupported)
        {
            Vector512<int> sum = Vector512<int>.Zero;
            for (; i + 32 <= length; i += 32)
            {
                sum = Avx512F.Add(sum, Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i)));
            }

            return Vector512.Sum(sum);
        }

        if (vectorBits >= 256 && Avx2.IsSupported)
        {
            Vector256<int> sum = Vector256<int>.Zero;
            for (; i + 16 <= length; i += 16)
            {
                sum = Avx2.Add(sum, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i)));
            }

            return Vector256.Sum(sum);
        }

        if (vectorBits >= 128 && Sse2.IsSupported)
        {
            Vector128<int> sum = Vector128<int>.Zero;
            for (; i + 8 <= length; i += 8)
            {
                sum = Sse2.Add(sum, Sse2.MultiplyAddAdjacent(Vector128.LoadUnsafe(ref a, (nuint)i), Vector128.LoadUnsafe(ref b, (nuint)i)));
            }

            return Vector128.Sum(sum);
        }

        int total = 0;
        for (; i < length; i++)
        {
            total = unchecked(total + (Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i)));
        }

        return total;
    }

    /// <summary>
    /// One output pixel of a depthwise convolution with a weight zero point: acc[c] += (x[c] − zx)·w[c] for the
    /// <paramref name="channels"/> channels of one kernel cell (weights int16 <c>w − zw</c>, [Kh][Kw][C]), in int32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CenteredDepthwiseCell(ref sbyte input, ref short weights, ref int acc, int channels, int zeroPoint, int vectorBits)
    {
        int c = 0;
        if (vectorBits >= 512 && Avx512F.IsSupported)
        {
            var zp = Vector512.Create(zeroPoint);
            for (; c + 16 <= channels; c += 16)
            {
                var x = Avx512F.Subtract(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref input, (nuint)c)), zp);
                var w = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref weights, (nuint)c));
                Avx512F.Add(Vector512.LoadUnsafe(ref acc, (nuint)c), Avx512F.MultiplyLow(x, w)).StoreUnsafe(ref acc, (nuint)c);
            }
        }
        else if (vectorBits >= 256 && Avx2.IsSupported)
        {
            var zp = Vector256.Create(zeroPoint);
            for (; c + 8 <= channels; c += 8)
            {
                var x = Avx2.Subtract(Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref input, c)))).AsSByte()), zp);
                var w = Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref weights, (nuint)c));
                Avx2.Add(Vector256.LoadUnsafe(ref acc, (nuint)c), Avx2.MultiplyLow(x, w)).StoreUnsafe(ref acc, (nuint)c);
            }
        }
        else if (vectorBits >= 128 && Sse41.IsSupported)
        {
            var zp = Vector128.Create(zeroPoint);
            for (; c + 4 <= channels; c += 4)
            {
                var x = Sse2.Subtract(Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref input, c)))).AsSByte()), zp);
                var w = Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref weights, c)))).AsInt16());
                Sse2.Add(Vector128.LoadUnsafe(ref acc, (nuint)c), Sse41.MultiplyLow(x, w)).StoreUnsafe(ref acc, (nuint)c);
            }
        }

        for (; c < channels; c++)
        {
            Unsafe.Add(ref acc, c) = unchecked(Unsafe.Add(ref acc, c) + ((Unsafe.Add(ref input, c) - zeroPoint) * Unsafe.Add(ref weights, c)));
        }
    }
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Int8 depthwise convolution (depth multiplier 1) over an HWC input whose padding is already in place (cells
    /// holding the input zero point), vectorised over channels: for each output pixel, blocks of channels accumulate
    /// <c>bias'[c] + Σ x[iy][ix][c] * w[ky][kx][c]</c> in int32 lanes (int8 widened to int32 and multiplied exactly),
    /// then Requantizer.Requantize (or TFLite's rule, <typeparamref name="TRounding"/>) per channel. <paramref name="weights"/> is <c>[Kh][Kw][C]</c>; <paramref name="bias"/>
    /// holds <c>bias - zp_in * Σw</c>, so padded cells add nothing; the sums wrap in int32 like the scalar rule's, and
    /// the total fits (the reader checks the accumulator range). The AVX-512 path takes blocks of 32 channels two kernel
    /// cells at a time with vpmaddwd (<see cref="CellPairProducts"/>), then blocks of 16 with vpmaddwd on int32 lanes (<see cref="LowHalfWeights"/>), and requantizes 16
    /// channels at once (<see cref="RequantizeStore512"/>, <paramref name="constants"/> as the blocked convolution's); the others stage
    /// the accumulators in <paramref name="staged"/> (at least 16 int32) and requantize one channel at a time. With
    /// <paramref name="narrowRequantization"/>, <paramref name="constants"/> is the narrow table (<see cref="RequantizeStoreNarrow512"/>). With
    /// AVX-512, a 3x3 kernel of stride 1 over blocks of 16 channels widens each input row once (<see cref="TakesWidenedRows"/>); otherwise
    /// four pixels of a row are computed together where the row has them, and a 16-channel layer of stride 1 takes
    /// pairs of pixels as 32 channels (<see cref="TakesPixelPairs"/>). With AVX2 only, whole 16-channel blocks go to
    /// <see cref="DepthwiseAvx2ByteQuads{TRounding}"/> for a 3x3 kernel of stride 1 or 2 whose weights vpmaddubsw takes exactly
    /// (each input cell interleaved once per output row, all the channels), else a 3x3 kernel to
    /// <see cref="DepthwiseAvx2WordPairs{TRounding}"/> (any weights: int16 pairs built once per output row, vpmaddwd) and
    /// other kernels to <see cref="DepthwiseAvx2Blocks{TRounding}"/> (cell pairs by vpmaddwd, four pixels a step); all requantize in vectors (the narrow form), and the rest of the channels, fewer than 16, take the pixel loop here.
    /// <paramref name="byteQuadsRuledOut"/>: the caller already found that the byte-quad kernel does not take this layer.
    /// </summary>
    internal static void DepthwiseConvInt8<TRounding>(
        ref sbyte input, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref long constants, ref sbyte output, ref int staged,
        int inputWidth, int channels, int outputHeight, int outputWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int zeroPoint, int min, int max, bool narrowRequantization, int vectorBits, bool byteQuadsRuledOut = false)
        where TRounding : struct
    {
        if (TakesWidenedRows(vectorBits, kernelHeight, kernelWidth, strideHeight, strideWidth, channels, inputWidth))
        {
            DepthwiseConv3x3WidenedRows<TRounding>(
                ref input, ref weights, ref bias, ref multipliers, ref constants, ref output,
                inputWidth, channels, outputHeight, outputWidth, zeroPoint, min, max, narrowRequantization);
            return;
        }

        // AVX2 (no AVX-512): DepthwiseAvx2ByteQuads takes every channel, or whole 16-channel blocks go to DepthwiseAvx2WordPairs (3x3) or
        // DepthwiseAvx2Blocks and the pixel loop below takes the rest.
        int firstChannel = 0;
        if (!(vectorBits >= 512 && Avx512BW.IsSupported) && vectorBits >= 256 && Avx2.IsSupported)
        {
            firstChannel = channels & ~15;
            if (!byteQuadsRuledOut && TakesAvx2ByteQuads(ref weights, kernelHeight, kernelWidth, strideWidth, channels, outputWidth, narrowRequantization, out bool twoPixels))
            {
                // The border is in place: every row and column the windows read lies inside the input.
                DepthwiseAvx2ByteQuads<TRounding>(
                    ref input, ref weights, ref bias, ref constants, ref output, ((outputHeight - 1) * strideHeight) + kernelHeight, inputWidth, 0, 0, 0,
                    channels, outputHeight, outputWidth, strideHeight, strideWidth, min, max, twoPixels);
                return;
            }

            if (firstChannel > 0 && TakesAvx2WordPairs(kernelHeight, kernelWidth, strideWidth, channels, outputWidth))
            {
                DepthwiseAvx2WordPairs<TRounding>(
                    ref input, ref weights, ref bias, ref multipliers, ref shifts, ref constants, ref output, ref staged,
                    inputWidth, channels, outputHeight, outputWidth, strideHeight, strideWidth, zeroPoint, min, max, narrowRequantization);
            }
            else if (firstChannel > 0)
            {
                DepthwiseAvx2Blocks<TRounding>(
                    ref input, ref weights, ref bias, ref multipliers, ref shifts, ref constants, ref output, ref staged,
                    inputWidth, channels, outputHeight, outputWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, zeroPoint, min, max, narrowRequantization);
            }

            if (firstChannel == channels)
            {
                return;
            }
        }

        int rowBytes = inputWidth * channels;
        bool fourPixels = vectorBits >= 512 && Avx512BW.IsSupported && channels >= 16;
        int taps = kernelHeight * kernelWidth;
        // Where each kernel cell's channels start in the window (the 32-channel AVX-512 blocks take the cells two at a time).
        Span<int> cells = stackalloc int[vectorBits >= 512 && Avx512BW.IsSupported ? taps : 0];
        for (int t = 0; t < cells.Length; t++)
        {
            cells[t] = (t / kernelWidth * rowBytes) + (t % kernelWidth * channels);
        }

        // The four-pixel path's interleaved int16 weights (CellPairWeights) of every 32-channel block and cell pair,
        // computed once here rather than for every four pixels, when they fit in 16 KB of stack.
        int pairs = (taps + 1) / 2, blocks = channels / 32;
        Span<short> paired = stackalloc short[fourPixels && pairs * blocks * 64 <= 8192 ? pairs * blocks * 64 : 0];
        for (int b = 0; b < blocks && !paired.IsEmpty; b++)
        {
            for (int pair = 0; pair < pairs; pair++)
            {
                var (wl, wh) = CellPairWeights(ref weights, 2 * pair, taps, channels, 32 * b);
                wl.StoreUnsafe(ref paired[0], (nuint)(((b * pairs) + pair) * 64));
                wh.StoreUnsafe(ref paired[0], (nuint)((((b * pairs) + pair) * 64) + 32));
            }
        }

        bool pixelPairs = TakesPixelPairs(fourPixels, channels, strideWidth, outputWidth, taps);
        Span<sbyte> repeated = stackalloc sbyte[pixelPairs ? taps * 32 : 0];
        Span<short> repeatedPaired = stackalloc short[pixelPairs ? pairs * 64 : 0];
        Span<int> repeatedBias = stackalloc int[pixelPairs ? 64 : 0];
        Span<long> repeatedTable = stackalloc long[pixelPairs ? 96 : 0];
        if (pixelPairs)
        {
            RepeatForPixelPairs(ref weights, ref bias, ref multipliers, ref constants, taps, narrowRequantization, repeated, repeatedPaired, repeatedBias, repeatedTable);
        }

        for (int oy = 0; oy < outputHeight; oy++)
        {
            int ox = 0;
            if (pixelPairs)
            {
                ox = DepthwisePixelPairRow<TRounding>(
                    ref Unsafe.Add(ref input, oy * strideHeight * rowBytes), ref Unsafe.Add(ref output, oy * outputWidth * channels),
                    cells, repeatedPaired, repeatedBias, repeatedTable, taps, outputWidth, zeroPoint, min, max, narrowRequantization);
            }

            if (fourPixels)
            {
                // Four output pixels of a row at once: four independent accumulator chains hide the multiply's latency,
                // and each weight vector is loaded once for the four.
                int step = strideWidth * channels;
                for (; ox + 4 <= outputWidth; ox += 4)
                {
                    ref sbyte window = ref Unsafe.Add(ref input, (oy * strideHeight * inputWidth + ox * strideWidth) * channels);
                    ref sbyte y = ref Unsafe.Add(ref output, (oy * outputWidth + ox) * channels);
                    int c = FourPixelsOf32ChannelBlocks<TRounding>(
                        ref window, ref y, cells, paired, ref weights, ref bias, ref multipliers, ref constants, taps, channels, step, zeroPoint, min, max, narrowRequantization);
                    for (; c + 16 <= channels; c += 16)
                    {
                        Vector512<int> a0 = Vector512.LoadUnsafe(ref bias, (nuint)c), a1 = a0, a2 = a0, a3 = a0;
                        for (int ky = 0; ky < kernelHeight; ky++)
                        {
                            for (int kx = 0; kx < kernelWidth; kx++)
                            {
                                ref sbyte cell = ref Unsafe.Add(ref window, ky * rowBytes + kx * channels + c);
                                Vector512<short> w = LowHalfWeights(ref Unsafe.Add(ref weights, (ky * kernelWidth + kx) * channels + c));
                                a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref cell)).AsInt16(), w));
                                a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref cell, step))).AsInt16(), w));
                                a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref cell, 2 * step))).AsInt16(), w));
                                a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref cell, 3 * step))).AsInt16(), w));
                            }
                        }

                        Requantize16<TRounding>(a0, ref multipliers, ref constants, c, zeroPoint, min, max, narrowRequantization, ref Unsafe.Add(ref y, c));
                        Requantize16<TRounding>(a1, ref multipliers, ref constants, c, zeroPoint, min, max, narrowRequantization, ref Unsafe.Add(ref y, channels + c));
                        Requantize16<TRounding>(a2, ref multipliers, ref constants, c, zeroPoint, min, max, narrowRequantization, ref Unsafe.Add(ref y, 2 * channels + c));
                        Requantize16<TRounding>(a3, ref multipliers, ref constants, c, zeroPoint, min, max, narrowRequantization, ref Unsafe.Add(ref y, 3 * channels + c));
                    }

                    for (int p = 0; p < 4; p++)
                    {
                        DepthwiseChannels<TRounding>(
                            ref Unsafe.Add(ref window, p * step), ref weights, ref bias, ref multipliers, ref shifts, ref Unsafe.Add(ref y, p * channels),
                            c, rowBytes, channels, kernelHeight, kernelWidth, zeroPoint, min, max);
                    }
                }
            }

            for (; ox < outputWidth; ox++)
            {
                ref sbyte window = ref Unsafe.Add(ref input, (oy * strideHeight * inputWidth + ox * strideWidth) * channels);
                ref sbyte y = ref Unsafe.Add(ref output, (oy * outputWidth + ox) * channels);
                int c = 0;
                if (vectorBits >= 512 && Avx512BW.IsSupported)
                {
                    for (; c + 32 <= channels; c += 32)
                    {
                        Vector512<int> low = default, high = default;
                        for (int t = 0; t < taps; t += 2)
                        {
                            var (wl, wh) = CellPairWeights(ref weights, t, taps, channels, c);
                            var (pl, ph) = CellPairProducts(ref Unsafe.Add(ref window, cells[t] + c), ref Unsafe.Add(ref window, cells[t + 1 < taps ? t + 1 : t] + c), wl, wh);
                            (low, high) = (low + pl, high + ph);
                        }

                        RequantizeStore32<TRounding>(low, high, ref bias, ref multipliers, ref constants, c, zeroPoint, min, max, narrowRequantization, ref y);
                    }

                    for (; c + 16 <= channels; c += 16)
                    {
                        Vector512<int> acc = Vector512.LoadUnsafe(ref bias, (nuint)c);
                        for (int ky = 0; ky < kernelHeight; ky++)
                        {
                            for (int kx = 0; kx < kernelWidth; kx++)
                            {
                                Vector512<int> x = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref window, ky * rowBytes + kx * channels + c)));
                                acc = Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(x.AsInt16(), LowHalfWeights(ref Unsafe.Add(ref weights, (ky * kernelWidth + kx) * channels + c))));
                            }
                        }

                        Requantize16<TRounding>(acc, ref multipliers, ref constants, c, zeroPoint, min, max, narrowRequantization, ref Unsafe.Add(ref y, c));
                    }
                }
                else if (vectorBits >= 256 && Avx2.IsSupported)
                {
                    for (c = firstChannel; c + 8 <= channels; c += 8)
                    {
                        Vector256<int> acc = Vector256.LoadUnsafe(ref bias, (nuint)c);
                        for (int ky = 0; ky < kernelHeight; ky++)
                        {
                            for (int kx = 0; kx < kernelWidth; kx++)
                            {
                                Vector256<int> x = Avx2.ConvertToVector256Int32(EightBytes(ref Unsafe.Add(ref window, ky * rowBytes + kx * channels + c)));
                                Vector256<int> w = Avx2.ConvertToVector256Int32(EightBytes(ref Unsafe.Add(ref weights, (ky * kernelWidth + kx) * channels + c)));
                                acc = Avx2.Add(acc, Avx2.MultiplyLow(x, w));
                            }
                        }

                        acc.StoreUnsafe(ref staged);
                        RequantizeStaged<TRounding>(ref staged, ref Unsafe.Add(ref multipliers, c), ref Unsafe.Add(ref shifts, c), zeroPoint, min, max, ref Unsafe.Add(ref y, c), 8);
                    }
                }
                else if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
                {
                    // Portable (SSE4.1 on x86, AdvSimd on ARM64): 16 channels as four int32 vectors.
                    for (; c + 16 <= channels; c += 16)
                    {
                        Vector128<int> a0 = Vector128.LoadUnsafe(ref bias, (nuint)c), a1 = Vector128.LoadUnsafe(ref bias, (nuint)(c + 4));
                        Vector128<int> a2 = Vector128.LoadUnsafe(ref bias, (nuint)(c + 8)), a3 = Vector128.LoadUnsafe(ref bias, (nuint)(c + 12));
                        for (int ky = 0; ky < kernelHeight; ky++)
                        {
                            for (int kx = 0; kx < kernelWidth; kx++)
                            {
                                var (x0, x1, x2, x3) = WidenToInt32(Vector128.LoadUnsafe(ref Unsafe.Add(ref window, ky * rowBytes + kx * channels + c)));
                                var (w0, w1, w2, w3) = WidenToInt32(Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, (ky * kernelWidth + kx) * channels + c)));
                                a0 += x0 * w0;
                                a1 += x1 * w1;
                                a2 += x2 * w2;
                                a3 += x3 * w3;
                            }
                        }

                        a0.StoreUnsafe(ref staged);
                        a1.StoreUnsafe(ref staged, 4);
                        a2.StoreUnsafe(ref staged, 8);
                        a3.StoreUnsafe(ref staged, 12);
                        RequantizeStaged<TRounding>(ref staged, ref Unsafe.Add(ref multipliers, c), ref Unsafe.Add(ref shifts, c), zeroPoint, min, max, ref Unsafe.Add(ref y, c), 16);
                    }
                }

                DepthwiseChannels<TRounding>(ref window, ref weights, ref bias, ref multipliers, ref shifts, ref y, c, rowBytes, channels, kernelHeight, kernelWidth, zeroPoint, min, max);
            }
        }
    }

    /// <summary>8 int8 values at <paramref name="source"/> in the low half of a vector (one 8-byte load, inlined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> EightBytes(ref sbyte source) =>
        Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte();

    /// <summary>Channels <paramref name="from"/> to the last of one output pixel, one at a time (the scalar rule).</summary>
    private static void DepthwiseChannels<TRounding>(
        ref sbyte window, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref sbyte y,
        int from, int rowBytes, int channels, int kernelHeight, int kernelWidth, int zeroPoint, int min, int max)
        where TRounding : struct
    {
        for (int c = from; c < channels; c++)
        {
            int acc = Unsafe.Add(ref bias, c);
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    acc = unchecked(acc + Unsafe.Add(ref window, ky * rowBytes + kx * channels + c) * Unsafe.Add(ref weights, (ky * kernelWidth + kx) * channels + c));
                }
            }

            Unsafe.Add(ref y, c) = (sbyte)Requantize<TRounding>(acc, Unsafe.Add(ref multipliers, c), Unsafe.Add(ref shifts, c), zeroPoint, min, max);
        }
    }

    /// <summary>
    /// The weights of kernel cells <paramref name="t"/> and t + 1 (zero when t is the last cell) for channels c to c + 31,
    /// widened to int16 and interleaved per 128-bit lane as vpunpcklwd/vpunpckhwd interleave the inputs (see <see cref="CellPairProducts"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<short> Low, Vector512<short> High) CellPairWeights(ref sbyte weights, int t, int taps, int channels, int c)
    {
        Vector512<short> w0 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref Unsafe.Add(ref weights, (t * channels) + c)));
        Vector512<short> w1 = t + 1 < taps ? Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref Unsafe.Add(ref weights, ((t + 1) * channels) + c))) : Vector512<short>.Zero;
        return (Avx512BW.UnpackLow(w0, w1), Avx512BW.UnpackHigh(w0, w1));
    }

    /// <summary>
    /// Two kernel cells' products for 32 channels summed per channel by vpmaddwd (x_t * w_t + x_t+1 * w_t+1, exact in
    /// int32): the int16 inputs of the two cells interleaved, so <c>Low</c> holds channels 0-3, 8-11, 16-19, 24-27 and
    /// <c>High</c> 4-7, 12-15, 20-23, 28-31 (<see cref="RequantizeStore32"/> puts them back in order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<int> Low, Vector512<int> High) CellPairProducts(ref sbyte first, ref sbyte second, Vector512<short> weightsLow, Vector512<short> weightsHigh)
    {
        Vector512<short> x0 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref first));
        Vector512<short> x1 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref second));
        return (Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(x0, x1), weightsLow), Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(x0, x1), weightsHigh));
    }

    /// <summary>
    /// 32 channels' sums from <see cref="CellPairProducts"/> back in channel order (vpermt2d), plus the bias, requantized and
    /// stored at <paramref name="y"/> + c. The sums wrap in int32 as the scalar rule's (addition is the same modulo 2^32 in any order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RequantizeStore32<TRounding>(
        Vector512<int> low, Vector512<int> high, ref int bias, ref int multipliers, ref long constants, int c, int zeroPoint, int min, int max, bool narrow, ref sbyte y)
        where TRounding : struct
    {
        // Channel 8L + r (r < 4) is low[4L + r]; 8L + r (r >= 4) is high[4L + r - 4], i.e. index 16 + 4L + r - 4 of the pair.
        Vector512<int> first = Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
        Vector512<int> second = Vector512.Create(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
        Vector512<int> a = Avx512F.PermuteVar16x32x2(low, first, high) + Vector512.LoadUnsafe(ref bias, (nuint)c);
        Vector512<int> b = Avx512F.PermuteVar16x32x2(low, second, high) + Vector512.LoadUnsafe(ref bias, (nuint)(c + 16));
        Requantize16<TRounding>(a, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, c));
        Requantize16<TRounding>(b, ref multipliers, ref constants, c + 16, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, c + 16));
    }

    /// <summary>
    /// Channels c to c + 15 requantized and stored at <paramref name="target"/>: <see cref="RequantizeStoreNarrow512"/> when the
    /// generator wrote the narrow table (every shift in its range; 3 int64 per channel), else <see cref="RequantizeStore512"/> (2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Requantize16<TRounding>(Vector512<int> acc, ref int multipliers, ref long constants, int c, int zeroPoint, int min, int max, bool narrow, ref sbyte target)
        where TRounding : struct
    {
        if (narrow)
        {
            RequantizeStoreNarrow512<TRounding>(acc, ref Unsafe.Add(ref constants, c * 3), min, max, ref target, 16);
        }
        else
        {
            RequantizeStore512<TRounding>(acc, ref Unsafe.Add(ref multipliers, c), ref Unsafe.Add(ref constants, c * 2), zeroPoint, min, max, ref target, 16);
        }
    }

    /// <summary>
    /// 16 int8 weights as int32 lanes whose high int16 is 0: vpmaddwd of a sign-extended int8 input (low int16 the value,
    /// high int16 its sign) with them is the exact product x * w in each int32 lane, one uop instead of vpmulld's two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> LowHalfWeights(ref sbyte weights) =>
        Avx512F.And(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref weights)), Vector512.Create(0xFFFF)).AsInt16();

    /// <summary>16 int8 values sign-extended to four int32 vectors, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) WidenToInt32(Vector128<sbyte> bytes)
    {
        var (low, high) = Vector128.Widen(bytes);
        return (Vector128.WidenLower(low), Vector128.WidenUpper(low), Vector128.WidenLower(high), Vector128.WidenUpper(high));
    }
}

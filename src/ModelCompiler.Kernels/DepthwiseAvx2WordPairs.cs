using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Windows over up to 160 input columns (MobileNetV2 at 224x224 has 114): 128 bytes a column per 16-channel block,
    /// at most 20 KB of stack.
    /// </summary>
    private const int Avx2WordPairsMaxColumns = 160;

    /// <summary>A banded layer's weight pairs and tables of every block on the stack, 44 bytes a channel: at most 44 KB (MobileNetV2 has 960 channels).</summary>
    private const int Avx2WordPairsMaxChannels = 1024;

    /// <summary>The input bytes a band of output rows reads (Zen 3's L2 cache is 512 KB).</summary>
    private const int Avx2WordPairsBandBytes = 128 * 1024;

    /// <summary>
    /// Whether the AVX2 path takes <see cref="DepthwiseAvx2WordPairs{TRounding}"/> for the whole 16-channel blocks: a 3x3
    /// kernel whose windows span at most <see cref="Avx2WordPairsMaxColumns"/> input columns, at most
    /// <see cref="Avx2WordPairsMaxChannels"/> channels. Any weights (exact for all
    /// int8 values), so it is the 3x3 kernel for the 8-bit weights <see cref="DepthwiseAvx2ByteQuads{TRounding}"/> rejects.
    /// </summary>
    private static bool TakesAvx2WordPairs(int kernelHeight, int kernelWidth, int strideWidth, int channels, int outputWidth) =>
        kernelHeight == 3 && kernelWidth == 3 && channels >= 16 && channels <= Avx2WordPairsMaxChannels
        && ((outputWidth - 1) * strideWidth) + 3 <= Avx2WordPairsMaxColumns;

    /// <summary>
    /// The AVX2 path for a 3x3 kernel with 8-bit weights, whole 16-channel blocks (the caller does the rest): int16
    /// products by vpmaddwd as <see cref="DepthwiseAvx2Blocks{TRounding}"/>, but the inputs are widened and paired once
    /// per output row rather than once per window cell. For each block and output row a first pass turns every input
    /// column j into four vectors of int16 pairs: A[j] = (row 0, row 1) of column j and B[j] = (row 2 of column j, row 2
    /// of column j + 1), each as the low (channels 0-3, 8-11) and high (4-7, 12-15) half that vpunpcklwd/vpunpckhwd
    /// leave. A window starting at column j then is five vpmaddwd per half, with no shuffle: A[j], A[j + 1], A[j + 2]
    /// against the weight pairs (w[0][k], w[1][k]), B[j] against (w[2][0], w[2][1]) and B[j + 2] against (w[2][2], 0)
    /// (the last column's B pairs row 2 with zeros, so no read goes past the window's columns). Each vpmaddwd is exact in
    /// int32 for any int8 weights, and the sums wrap like the scalar rule's. The bias and the requantization are
    /// <see cref="Avx2BlockRequantization"/>'s and <see cref="Avx2StoreBlock{TRounding}"/>'s (the same halves' order).
    /// With a horizontal stride of 2, B is built for even columns only (windows start there).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DepthwiseAvx2WordPairs<TRounding>(
        ref sbyte input, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref long constants, ref sbyte output, ref int staged,
        int inputWidth, int channels, int outputHeight, int outputWidth, int strideHeight, int strideWidth, int zeroPoint, int min, int max, bool narrow)
        where TRounding : struct
    {
        int rowBytes = inputWidth * channels, columns = ((outputWidth - 1) * strideWidth) + 3;
        Span<short> pairedColumns = stackalloc short[64 * columns];

        // Bands of output rows whose input rows take about 128 KB outside, blocks inside: a band's input stays in the L2
        // cache for all the blocks (with the blocks outside, MobileNetV2's 112x112x96 layer came from memory once per
        // block, 15% slower). Then each block's weight pairs and table are prepared once per layer for all the bands;
        // a layer of one band prepares them per block (measured faster on MobileNetV2's 28x28 to 7x7 layers).
        int bandRows = Math.Max(1, Avx2WordPairsBandBytes / (strideHeight * rowBytes));
        bool banded = bandRows < outputHeight;
        Span<short> pairedWeights = stackalloc short[banded ? 10 * channels : 160];
        Span<long> tables = stackalloc long[banded ? 3 * channels : 48];
        ref short pairs = ref MemoryMarshal.GetReference(pairedColumns);
        for (int c = 0; c + 16 <= channels && banded; c += 16)
        {
            PrepareWordPairBlock(ref weights, ref bias, ref constants, channels, c, narrow, ref pairedWeights[10 * c], ref tables[3 * c]);
        }

        for (int band = 0; band < outputHeight; band += bandRows)
        {
            int bandEnd = Math.Min(band + bandRows, outputHeight);
            for (int c = 0; c + 16 <= channels; c += 16)
            {
                ref short w = ref banded ? ref pairedWeights[10 * c] : ref MemoryMarshal.GetReference(pairedWeights);
                ref long blockTable = ref banded ? ref tables[3 * c] : ref MemoryMarshal.GetReference(tables);
                if (!banded)
                {
                    PrepareWordPairBlock(ref weights, ref bias, ref constants, channels, c, narrow, ref w, ref blockTable);
                }

                WordPairRows<TRounding>(
                    ref Unsafe.Add(ref input, (band * strideHeight * rowBytes) + c), ref w, ref Unsafe.Add(ref bias, c), ref blockTable,
                    ref Unsafe.Add(ref multipliers, c), ref Unsafe.Add(ref shifts, c), ref Unsafe.Add(ref output, (band * outputWidth * channels) + c), ref staged, ref pairs,
                    rowBytes, channels, columns, bandEnd - band, outputWidth, strideHeight, strideWidth, zeroPoint, min, max, narrow);
            }
        }
    }

    /// <summary>
    /// <paramref name="rows"/> output rows of one 16-channel block (<paramref name="input"/>, <paramref name="bias"/> and
    /// the others at the block's first channel and row; <paramref name="weights"/> and <paramref name="table"/> the block's
    /// prepared pairs and table): per row the paired columns, then the windows two at a time. A method of its own, so
    /// that the JIT allocates the pixel loop's registers without the layer loop's variables.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WordPairRows<TRounding>(
        ref sbyte input, ref short weights, ref int bias, ref long table, ref int multipliers, ref int shifts, ref sbyte output, ref int staged, ref short pairs,
        int rowBytes, int channels, int columns, int rows, int outputWidth, int strideHeight, int strideWidth, int zeroPoint, int min, int max, bool narrow)
        where TRounding : struct
    {
        Vector256<int> lowBias = InterleavedLow(Vector256.LoadUnsafe(ref bias), Vector256.LoadUnsafe(ref bias, 8));
        Vector256<int> highBias = InterleavedHigh(Vector256.LoadUnsafe(ref bias), Vector256.LoadUnsafe(ref bias, 8));
        Vector256<int> lowShifts = narrow ? NarrowShifts256(ref table) : default;
        Vector256<int> highShifts = narrow ? NarrowShifts256(ref Unsafe.Add(ref table, 4)) : default;
        int windowStep = 64 * strideWidth;
        for (int oy = 0; oy < rows; oy++)
        {
            PairColumns(ref Unsafe.Add(ref input, oy * strideHeight * rowBytes), ref pairs, rowBytes, channels, columns, strideWidth);
            ref sbyte y = ref Unsafe.Add(ref output, oy * outputWidth * channels);
            ref short window = ref pairs;
            int ox = 0;
            for (; ox + 2 <= outputWidth; ox += 2)
            {
                // Two windows at once: four independent accumulator chains, each weight vector loaded once for both.
                ref short next = ref Unsafe.Add(ref window, windowStep);
                Vector256<int> l0 = Avx2.Add(lowBias, WordPairWindow(ref window, 0, ref weights));
                Vector256<int> h0 = Avx2.Add(highBias, WordPairWindow(ref window, 16, ref weights));
                Vector256<int> l1 = Avx2.Add(lowBias, WordPairWindow(ref next, 0, ref weights));
                Vector256<int> h1 = Avx2.Add(highBias, WordPairWindow(ref next, 16, ref weights));
                Avx2StoreBlock<TRounding>(l0, h0, ref table, lowShifts, highShifts, ref multipliers, ref shifts, ref staged, zeroPoint, min, max, narrow, ref y);
                Avx2StoreBlock<TRounding>(l1, h1, ref table, lowShifts, highShifts, ref multipliers, ref shifts, ref staged, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, channels));
                y = ref Unsafe.Add(ref y, 2 * channels);
                window = ref Unsafe.Add(ref next, windowStep);
            }

            if (ox < outputWidth)
            {
                Vector256<int> l = Avx2.Add(lowBias, WordPairWindow(ref window, 0, ref weights));
                Vector256<int> h = Avx2.Add(highBias, WordPairWindow(ref window, 16, ref weights));
                Avx2StoreBlock<TRounding>(l, h, ref table, lowShifts, highShifts, ref multipliers, ref shifts, ref staged, zeroPoint, min, max, narrow, ref y);
            }
        }
    }

    /// <summary>
    /// The 16-channel block at <paramref name="c"/>'s five weight pairs in the order the window sums them, (w[0][k], w[1][k])
    /// for k = 0, 1, 2, then (w[2][0], w[2][1]) and (w[2][2], 0) (cells are [ky][kx] with kx fastest), 160 int16 at
    /// <paramref name="paired"/>, and with <paramref name="narrow"/> its table in the halves' order, 48 int64 at <paramref name="table"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrepareWordPairBlock(ref sbyte weights, ref int bias, ref long constants, int channels, int c, bool narrow, ref short paired, ref long table)
    {
        WordPairWeights(ref weights, channels, c, 0, 3, ref paired, 0);
        WordPairWeights(ref weights, channels, c, 1, 4, ref paired, 32);
        WordPairWeights(ref weights, channels, c, 2, 5, ref paired, 64);
        WordPairWeights(ref weights, channels, c, 6, 7, ref paired, 96);
        WordPairWeights(ref weights, channels, c, 8, -1, ref paired, 128);
        if (narrow)
        {
            Avx2BlockRequantization(ref bias, ref constants, ref table, c, narrow);
        }
    }

    /// <summary>
    /// One output row's paired columns for the 16-channel block at <paramref name="rows"/> (row 0 of the window, channel c):
    /// per column 64 int16, A low, A high, B low, B high (see <see cref="DepthwiseAvx2WordPairs{TRounding}"/>). Each
    /// row-2 cell is widened once and serves as column j's and column j - 1's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairColumns(ref sbyte rows, ref short pairs, int rowBytes, int channels, int columns, int strideWidth)
    {
        ref sbyte row2 = ref Unsafe.Add(ref rows, 2 * rowBytes);
        Vector256<short> x2 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row2));
        for (int j = 0; j < columns; j++)
        {
            ref sbyte cell = ref Unsafe.Add(ref rows, j * channels);
            Vector256<short> x0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref cell));
            Vector256<short> x1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref cell, rowBytes)));
            ref short column = ref Unsafe.Add(ref pairs, 64 * j);
            Avx2.UnpackLow(x0, x1).StoreUnsafe(ref column);
            Avx2.UnpackHigh(x0, x1).StoreUnsafe(ref column, 16);
            Vector256<short> x2Next = j + 1 < columns ? Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref row2, (j + 1) * channels))) : Vector256<short>.Zero;
            if (strideWidth == 1 || (j & 1) == 0)
            {
                Avx2.UnpackLow(x2, x2Next).StoreUnsafe(ref column, 32);
                Avx2.UnpackHigh(x2, x2Next).StoreUnsafe(ref column, 48);
            }

            x2 = x2Next;
        }
    }

    /// <summary>
    /// One half (<paramref name="half"/> 0: channels 0-3, 8-11; 16: 4-7, 12-15) of a window's sums without the bias: five
    /// vpmaddwd of the paired columns at <paramref name="window"/> (column j) against the five weight pairs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> WordPairWindow(ref short window, int half, ref short weights)
    {
        Vector256<int> a0 = Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, (nuint)half), Vector256.LoadUnsafe(ref weights, (nuint)half));
        Vector256<int> a1 = Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, (nuint)(64 + half)), Vector256.LoadUnsafe(ref weights, (nuint)(32 + half)));
        Vector256<int> a2 = Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, (nuint)(128 + half)), Vector256.LoadUnsafe(ref weights, (nuint)(64 + half)));
        Vector256<int> b0 = Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, (nuint)(32 + half)), Vector256.LoadUnsafe(ref weights, (nuint)(96 + half)));
        Vector256<int> b2 = Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, (nuint)(160 + half)), Vector256.LoadUnsafe(ref weights, (nuint)(128 + half)));
        return Avx2.Add(Avx2.Add(Avx2.Add(a0, a1), Avx2.Add(a2, b0)), b2);
    }

    /// <summary>
    /// The weights of kernel cells <paramref name="first"/> and <paramref name="second"/> (-1: zeros) for channels c to
    /// c + 15, widened to int16, interleaved in the halves' order and stored at <paramref name="offset"/> (32 int16).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WordPairWeights(ref sbyte weights, int channels, int c, int first, int second, ref short target, int offset)
    {
        Vector256<short> w0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, (first * channels) + c)));
        Vector256<short> w1 = second < 0 ? Vector256<short>.Zero : Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, (second * channels) + c)));
        Avx2.UnpackLow(w0, w1).StoreUnsafe(ref target, (nuint)offset);
        Avx2.UnpackHigh(w0, w1).StoreUnsafe(ref target, (nuint)(offset + 16));
    }
}

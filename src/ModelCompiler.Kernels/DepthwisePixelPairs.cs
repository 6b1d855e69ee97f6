using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Whether <see cref="DepthwiseConvInt8{TRounding}"/> takes a row's pixels two at a time as 32 channels: with 16
    /// channels and a horizontal stride of 1, kernel cell t of output pixels ox and ox + 1 is 32 contiguous input bytes
    /// (input pixels ox + kx and ox + 1 + kx), and the two outputs are 32 contiguous bytes, so the 32-channel AVX-512
    /// code (two cells per vpmaddwd) runs on them with the layer's weights, bias and requantization table repeated for
    /// the second pixel, instead of the 16-channel code (one cell per vpmaddwd, half-filled vectors).
    /// </summary>
    private static bool TakesPixelPairs(bool fourPixels, int channels, int strideWidth, int outputWidth, int taps) =>
        fourPixels && channels == 16 && strideWidth == 1 && outputWidth >= 8 && taps <= PixelPairMaxTaps;

    /// <summary>Kernel cells up to 7x7 (the repeated weights stay within 3.2 KB of stack).</summary>
    private const int PixelPairMaxTaps = 49;

    /// <summary>
    /// The repeated operands of <see cref="TakesPixelPairs"/>: <paramref name="paired"/> the cell-pair weights of 32
    /// channels (<see cref="CellPairWeights"/>, channel j is the layer's j mod 16), <paramref name="biasAndMultipliers"/>
    /// the 32 biases then the 32 multipliers, <paramref name="table"/> the 16-channel requantization table twice (48 int64
    /// each when narrow, else 32).
    /// </summary>
    private static void RepeatForPixelPairs(
        ref sbyte weights, ref int bias, ref int multipliers, ref long constants, int taps, bool narrow,
        Span<sbyte> repeated, Span<short> paired, Span<int> biasAndMultipliers, Span<long> table)
    {
        for (int t = 0; t < taps; t++)
        {
            for (int j = 0; j < 32; j++)
            {
                repeated[(t * 32) + j] = Unsafe.Add(ref weights, (t * 16) + (j % 16));
            }
        }

        for (int pair = 0; pair < (taps + 1) / 2; pair++)
        {
            var (low, high) = CellPairWeights(ref repeated[0], 2 * pair, taps, 32, 0);
            low.StoreUnsafe(ref paired[0], (nuint)(pair * 64));
            high.StoreUnsafe(ref paired[0], (nuint)((pair * 64) + 32));
        }

        for (int j = 0; j < 32; j++)
        {
            biasAndMultipliers[j] = Unsafe.Add(ref bias, j % 16);
            biasAndMultipliers[32 + j] = Unsafe.Add(ref multipliers, j % 16);
        }

        int block = narrow ? 48 : 32;
        for (int i = 0; i < 2 * block; i++)
        {
            table[i] = Unsafe.Add(ref constants, i % block);
        }
    }

    /// <summary>
    /// One output row of a <see cref="TakesPixelPairs"/> layer, eight pixels (four pairs) at a time; returns the first
    /// pixel left for the other paths. <paramref name="row"/> is the row's first window, <paramref name="y"/> its first output.
    /// </summary>
    private static int DepthwisePixelPairRow<TRounding>(
        ref sbyte row, ref sbyte y, ReadOnlySpan<int> cells, ReadOnlySpan<short> paired, ReadOnlySpan<int> biasAndMultipliers, ReadOnlySpan<long> table,
        int taps, int outputWidth, int zeroPoint, int min, int max, bool narrow)
        where TRounding : struct
    {
        ref int bias = ref MemoryMarshal.GetReference(biasAndMultipliers);
        ref int multipliers = ref Unsafe.Add(ref bias, 32);
        ref long constants = ref MemoryMarshal.GetReference(table);
        ref short weights = ref MemoryMarshal.GetReference(paired);
        ref int cell = ref MemoryMarshal.GetReference(cells);
        int ox = 0;
        for (; ox + 8 <= outputWidth; ox += 8)
        {
            FourPixelsOf32Channels<TRounding>(
                ref Unsafe.Add(ref row, ox * 16), ref Unsafe.Add(ref y, ox * 16), ref cell, ref weights, taps, 32, 32, ref bias, ref multipliers, ref constants, 0, zeroPoint, min, max, narrow);
        }

        return ox;
    }

    /// <summary>
    /// The 32-channel blocks of four output pixels (<see cref="DepthwiseConvInt8{TRounding}"/>'s AVX-512 path); returns the
    /// first channel left. <paramref name="paired"/> holds every block's cell-pair weights; when it is empty (too large
    /// for the stack) each block's are computed here. Kept out of the caller so that its loop gets the registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int FourPixelsOf32ChannelBlocks<TRounding>(
        ref sbyte window, ref sbyte y, ReadOnlySpan<int> cells, ReadOnlySpan<short> paired, ref sbyte weights, ref int bias, ref int multipliers, ref long constants,
        int taps, int channels, int step, int zeroPoint, int min, int max, bool narrow)
        where TRounding : struct
    {
        int pairs = (taps + 1) / 2;
        Span<short> block = stackalloc short[paired.IsEmpty && pairs <= 64 ? pairs * 64 : 0];
        if (paired.IsEmpty && block.IsEmpty)
        {
            return 0;
        }

        int c = 0;
        for (; c + 32 <= channels; c += 32)
        {
            for (int pair = 0; pair < pairs && !block.IsEmpty; pair++)
            {
                var (low, high) = CellPairWeights(ref weights, 2 * pair, taps, channels, c);
                low.StoreUnsafe(ref block[0], (nuint)(pair * 64));
                high.StoreUnsafe(ref block[0], (nuint)((pair * 64) + 32));
            }

            ref short blockWeights = ref block.IsEmpty ? ref Unsafe.Add(ref MemoryMarshal.GetReference(paired), c / 32 * pairs * 64) : ref block[0];
            FourPixelsOf32Channels<TRounding>(
                ref Unsafe.Add(ref window, c), ref y, ref MemoryMarshal.GetReference(cells), ref blockWeights, taps, step, channels,
                ref bias, ref multipliers, ref constants, c, zeroPoint, min, max, narrow);
        }

        return c;
    }

    /// <summary>
    /// Channels c to c + 31 of four output pixels: the windows at <paramref name="window"/> (already at channel c) and
    /// <paramref name="inputStep"/> bytes apart, the outputs at <paramref name="y"/> (+ c) and <paramref name="outputStep"/>
    /// bytes apart. Four independent accumulator chains hide the multiply's latency, and each weight vector is loaded
    /// once for the four; <paramref name="blockWeights"/> is the block's cell-pair weights (<see cref="CellPairWeights"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourPixelsOf32Channels<TRounding>(
        ref sbyte window, ref sbyte y, ref int cell, ref short blockWeights, int taps, int inputStep, int outputStep,
        ref int bias, ref int multipliers, ref long constants, int c, int zeroPoint, int min, int max, bool narrow)
        where TRounding : struct
    {
        Vector512<int> l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default, l3 = default, h3 = default;
        for (int t = 0; t < taps; t += 2)
        {
            Vector512<short> wl = Vector512.LoadUnsafe(ref blockWeights, (nuint)(t * 32)), wh = Vector512.LoadUnsafe(ref blockWeights, (nuint)((t * 32) + 32));
            ref sbyte first = ref Unsafe.Add(ref window, Unsafe.Add(ref cell, t));
            ref sbyte second = ref Unsafe.Add(ref window, Unsafe.Add(ref cell, t + 1 < taps ? t + 1 : t));
            var (pl, ph) = CellPairProducts(ref first, ref second, wl, wh);
            (l0, h0) = (l0 + pl, h0 + ph);
            (pl, ph) = CellPairProducts(ref Unsafe.Add(ref first, inputStep), ref Unsafe.Add(ref second, inputStep), wl, wh);
            (l1, h1) = (l1 + pl, h1 + ph);
            (pl, ph) = CellPairProducts(ref Unsafe.Add(ref first, 2 * inputStep), ref Unsafe.Add(ref second, 2 * inputStep), wl, wh);
            (l2, h2) = (l2 + pl, h2 + ph);
            (pl, ph) = CellPairProducts(ref Unsafe.Add(ref first, 3 * inputStep), ref Unsafe.Add(ref second, 3 * inputStep), wl, wh);
            (l3, h3) = (l3 + pl, h3 + ph);
        }

        RequantizeStore32<TRounding>(l0, h0, ref bias, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref y);
        RequantizeStore32<TRounding>(l1, h1, ref bias, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, outputStep));
        RequantizeStore32<TRounding>(l2, h2, ref bias, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, 2 * outputStep));
        RequantizeStore32<TRounding>(l3, h3, ref bias, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, 3 * outputStep));
    }
}

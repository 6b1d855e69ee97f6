using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// The AVX2 path of <see cref="DepthwiseConvInt8{TRounding}"/> for the channels in whole blocks of 16 (the caller does
    /// the rest), any kernel and stride. Per block, everything that does not depend on the pixel is prepared once: the
    /// weights of each pair of kernel cells widened to int16 and interleaved (<see cref="Avx2CellPairWeights"/>), the bias,
    /// and the narrow table with its shift vectors. Then each output pixel's 16 channels sum two cells per vpmaddwd
    /// (x_t * w_t + x_t+1 * w_t+1, exact in int32), four pixels of a row at a time (eight independent accumulator chains,
    /// and each weight vector loaded once for the four). vpunpcklwd/vpunpckhwd interleave within 128-bit lanes, so the
    /// two accumulators hold channels 0-3, 8-11 and 4-7, 12-15: rather than putting every pixel's sums back in order, the
    /// bias and the requantization table are put in that order once per block, and vpackssdw of the two halves lands in
    /// channel order by itself (<see cref="Avx2StoreBlock{TRounding}"/>). The sums wrap in int32 like the scalar rule's
    /// (addition is the same modulo 2^32 in any order).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DepthwiseAvx2Blocks<TRounding>(
        ref sbyte input, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref long constants, ref sbyte output, ref int staged,
        int inputWidth, int channels, int outputHeight, int outputWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int zeroPoint, int min, int max, bool narrow)
        where TRounding : struct
    {
        int taps = kernelHeight * kernelWidth, pairs = (taps + 1) / 2;
        int rowBytes = inputWidth * channels, step = strideWidth * channels;

        // Where each cell of a pair starts in the window; an odd kernel's last pair repeats its cell (its weight is 0).
        Span<int> cells = stackalloc int[2 * pairs];
        for (int t = 0; t < 2 * pairs; t++)
        {
            int cell = Math.Min(t, taps - 1);
            cells[t] = (cell / kernelWidth * rowBytes) + (cell % kernelWidth * channels);
        }

        Span<short> pairedWeights = stackalloc short[32 * pairs];
        Span<long> table = stackalloc long[48];
        ref short paired = ref MemoryMarshal.GetReference(pairedWeights);
        ref long blockTable = ref MemoryMarshal.GetReference(table);
        for (int c = 0; c + 16 <= channels; c += 16)
        {
            for (int pair = 0; pair < pairs; pair++)
            {
                var (low, high) = Avx2CellPairWeights(ref weights, 2 * pair, taps, channels, c);
                low.StoreUnsafe(ref paired, (nuint)(32 * pair));
                high.StoreUnsafe(ref paired, (nuint)((32 * pair) + 16));
            }

            var (lowBias, highBias, lowShifts, highShifts) = Avx2BlockRequantization(ref bias, ref constants, ref blockTable, c, narrow);
            ref int blockMultipliers = ref Unsafe.Add(ref multipliers, c);
            ref int blockShifts = ref Unsafe.Add(ref shifts, c);
            for (int oy = 0; oy < outputHeight; oy++)
            {
                ref sbyte row = ref Unsafe.Add(ref input, (oy * strideHeight * rowBytes) + c);
                ref sbyte y = ref Unsafe.Add(ref output, (oy * outputWidth * channels) + c);
                int ox = 0;
                for (; ox + 4 <= outputWidth; ox += 4)
                {
                    ref sbyte window = ref Unsafe.Add(ref row, ox * step);
                    Vector256<int> l0 = lowBias, l1 = lowBias, l2 = lowBias, l3 = lowBias;
                    Vector256<int> h0 = highBias, h1 = highBias, h2 = highBias, h3 = highBias;
                    for (int pair = 0; pair < pairs; pair++)
                    {
                        Vector256<short> wl = Vector256.LoadUnsafe(ref paired, (nuint)(32 * pair));
                        Vector256<short> wh = Vector256.LoadUnsafe(ref paired, (nuint)((32 * pair) + 16));
                        ref sbyte first = ref Unsafe.Add(ref window, cells[2 * pair]);
                        ref sbyte second = ref Unsafe.Add(ref window, cells[(2 * pair) + 1]);
                        var (pl, ph) = Avx2CellPairProducts(ref first, ref second, wl, wh);
                        (l0, h0) = (Avx2.Add(l0, pl), Avx2.Add(h0, ph));
                        (pl, ph) = Avx2CellPairProducts(ref Unsafe.Add(ref first, step), ref Unsafe.Add(ref second, step), wl, wh);
                        (l1, h1) = (Avx2.Add(l1, pl), Avx2.Add(h1, ph));
                        (pl, ph) = Avx2CellPairProducts(ref Unsafe.Add(ref first, 2 * step), ref Unsafe.Add(ref second, 2 * step), wl, wh);
                        (l2, h2) = (Avx2.Add(l2, pl), Avx2.Add(h2, ph));
                        (pl, ph) = Avx2CellPairProducts(ref Unsafe.Add(ref first, 3 * step), ref Unsafe.Add(ref second, 3 * step), wl, wh);
                        (l3, h3) = (Avx2.Add(l3, pl), Avx2.Add(h3, ph));
                    }

                    ref sbyte target = ref Unsafe.Add(ref y, ox * channels);
                    Avx2StoreBlock<TRounding>(l0, h0, ref blockTable, lowShifts, highShifts, ref blockMultipliers, ref blockShifts, ref staged, zeroPoint, min, max, narrow, ref target);
                    Avx2StoreBlock<TRounding>(l1, h1, ref blockTable, lowShifts, highShifts, ref blockMultipliers, ref blockShifts, ref staged, zeroPoint, min, max, narrow, ref Unsafe.Add(ref target, channels));
                    Avx2StoreBlock<TRounding>(l2, h2, ref blockTable, lowShifts, highShifts, ref blockMultipliers, ref blockShifts, ref staged, zeroPoint, min, max, narrow, ref Unsafe.Add(ref target, 2 * channels));
                    Avx2StoreBlock<TRounding>(l3, h3, ref blockTable, lowShifts, highShifts, ref blockMultipliers, ref blockShifts, ref staged, zeroPoint, min, max, narrow, ref Unsafe.Add(ref target, 3 * channels));
                }

                for (; ox < outputWidth; ox++)
                {
                    ref sbyte window = ref Unsafe.Add(ref row, ox * step);
                    Vector256<int> l = lowBias, h = highBias;
                    for (int pair = 0; pair < pairs; pair++)
                    {
                        var (pl, ph) = Avx2CellPairProducts(
                            ref Unsafe.Add(ref window, cells[2 * pair]), ref Unsafe.Add(ref window, cells[(2 * pair) + 1]),
                            Vector256.LoadUnsafe(ref paired, (nuint)(32 * pair)), Vector256.LoadUnsafe(ref paired, (nuint)((32 * pair) + 16)));
                        (l, h) = (Avx2.Add(l, pl), Avx2.Add(h, ph));
                    }

                    Avx2StoreBlock<TRounding>(l, h, ref blockTable, lowShifts, highShifts, ref blockMultipliers, ref blockShifts, ref staged, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, ox * channels));
                }
            }
        }
    }

    /// <summary>
    /// What the requantization of the 16-channel block at <paramref name="c"/> needs in the order of the interleaved
    /// halves (channels 0-3, 8-11 and 4-7, 12-15): the bias of each half and, when <paramref name="narrow"/>, the block's
    /// narrow table written to <paramref name="blockTable"/> (48 int64) with the shift vectors of its halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int> LowBias, Vector256<int> HighBias, Vector256<int> LowShifts, Vector256<int> HighShifts) Avx2BlockRequantization(
        ref int bias, ref long constants, ref long blockTable, int c, bool narrow)
    {
        Vector256<int> lowBias = InterleavedLow(Vector256.LoadUnsafe(ref bias, (nuint)c), Vector256.LoadUnsafe(ref bias, (nuint)(c + 8)));
        Vector256<int> highBias = InterleavedHigh(Vector256.LoadUnsafe(ref bias, (nuint)c), Vector256.LoadUnsafe(ref bias, (nuint)(c + 8)));
        if (!narrow)
        {
            return (lowBias, highBias, default, default);
        }

        // Each group of 8 int64 (even channels 0, 2, ..., 14 or odd 1, ..., 15) reordered for the interleaved halves:
        // the low half's even lanes are channels 0, 2, 8, 10 (entries 0, 1, 4, 5), the high half's 4, 6, 12, 14.
        for (int g = 0; g < 48; g += 8)
        {
            Vector256<long> first = Vector256.LoadUnsafe(ref constants, (nuint)((3 * c) + g));
            Vector256<long> second = Vector256.LoadUnsafe(ref constants, (nuint)((3 * c) + g + 4));
            InterleavedLow(first, second).StoreUnsafe(ref blockTable, (nuint)g);
            InterleavedHigh(first, second).StoreUnsafe(ref blockTable, (nuint)(g + 4));
        }

        return (lowBias, highBias, NarrowShifts256(ref blockTable), NarrowShifts256(ref Unsafe.Add(ref blockTable, 4)));
    }

    /// <summary>
    /// The weights of kernel cells <paramref name="t"/> and t + 1 (zero when t is the last cell) for channels c to c + 15,
    /// widened to int16 and interleaved per 128-bit lane as <see cref="Avx2CellPairProducts"/> interleaves the inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<short> Low, Vector256<short> High) Avx2CellPairWeights(ref sbyte weights, int t, int taps, int channels, int c)
    {
        Vector256<short> w0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, (t * channels) + c)));
        Vector256<short> w1 = t + 1 < taps ? Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, ((t + 1) * channels) + c))) : Vector256<short>.Zero;
        return (Avx2.UnpackLow(w0, w1), Avx2.UnpackHigh(w0, w1));
    }

    /// <summary>
    /// Two kernel cells' products for 16 channels summed per channel by vpmaddwd: <c>Low</c> holds channels 0-3, 8-11 and
    /// <c>High</c> 4-7, 12-15 (vpunpcklwd/vpunpckhwd work within 128-bit lanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int> Low, Vector256<int> High) Avx2CellPairProducts(ref sbyte first, ref sbyte second, Vector256<short> weightsLow, Vector256<short> weightsHigh)
    {
        Vector256<short> x0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref first));
        Vector256<short> x1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref second));
        return (Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(x0, x1), weightsLow), Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(x0, x1), weightsHigh));
    }

    /// <summary>
    /// Of 16 values in two vectors in channel order, the ones of the interleaved low half (0-3, 8-11); the 128-bit
    /// transpose is its own inverse, so of the two interleaved halves it gives channels 0-7 back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> InterleavedLow(Vector256<int> first, Vector256<int> second) => Avx2.Permute2x128(first, second, 0x20);

    /// <summary>Of 16 values in two vectors in channel order, the ones of the interleaved high half (4-7, 12-15); of the halves, channels 8-15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> InterleavedHigh(Vector256<int> first, Vector256<int> second) => Avx2.Permute2x128(first, second, 0x31);

    /// <summary><see cref="InterleavedLow(Vector256{int}, Vector256{int})"/> of int64 table entries (8 per group: entries 0, 1, 4, 5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> InterleavedLow(Vector256<long> first, Vector256<long> second) => Avx2.Permute2x128(first, second, 0x20);

    /// <summary><see cref="InterleavedHigh(Vector256{int}, Vector256{int})"/> of int64 table entries (entries 2, 3, 6, 7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> InterleavedHigh(Vector256<long> first, Vector256<long> second) => Avx2.Permute2x128(first, second, 0x31);

    /// <summary>
    /// One pixel's 16 channels, as the interleaved halves of <see cref="Avx2CellPairProducts"/> plus the bias, requantized
    /// and stored at <paramref name="target"/>. Narrow: <paramref name="table"/> is the block's table in the halves' order,
    /// and vpackssdw of (0-3, 8-11) with (4-7, 12-15) gives the words 0-7 | 8-15, already in order (no vpermq, unlike
    /// <see cref="NarrowPack256"/>). Otherwise the sums go back in order through <paramref name="staged"/> to the scalar rule.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Avx2StoreBlock<TRounding>(
        Vector256<int> low, Vector256<int> high, ref long table, Vector256<int> lowShifts, Vector256<int> highShifts,
        ref int multipliers, ref int shifts, ref int staged, int zeroPoint, int min, int max, bool narrow, ref sbyte target)
        where TRounding : struct
    {
        if (narrow)
        {
            Vector256<short> words = Avx2.PackSignedSaturate(
                NarrowRequantize256<TRounding>(low, ref table, lowShifts),
                NarrowRequantize256<TRounding>(high, ref Unsafe.Add(ref table, 4), highShifts));
            if (min != sbyte.MinValue || max != sbyte.MaxValue)
            {
                words = Avx2.Min(Avx2.Max(words, Vector256.Create((short)min)), Vector256.Create((short)max));
            }

            Sse2.PackSignedSaturate(words.GetLower(), words.GetUpper()).StoreUnsafe(ref target);
        }
        else
        {
            InterleavedLow(low, high).StoreUnsafe(ref staged);
            InterleavedHigh(low, high).StoreUnsafe(ref staged, 8);
            RequantizeStaged<TRounding>(ref staged, ref multipliers, ref shifts, zeroPoint, min, max, ref target, 16);
        }
    }
}

using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Decides whether an int8 Conv2D (and the MaxPool2D after it) can run on the register-blocked kernel, and lays out
/// what that kernel needs: the padded uint8 input, the packed weights, the folded bias and the 64-bit requantization
/// constants.
/// </summary>
internal static class BlockedConvLowering
{
    /// <summary>The largest weight magnitude for which <c>MultiplyAddAdjacent(u8, s8)</c> cannot saturate.</summary>
    public const int MinWeight = -64, MaxWeight = 63;

    /// <summary>Output pixels per step when no pool is fused; more would leave too few registers for the accumulators.</summary>
    public const int UnfusedPixels = 4;

    /// <summary>Accumulator registers a step may use (AVX-512 has 32 vector registers; weights and broadcasts need the rest).</summary>
    public const int MaxAccumulators = 24;

    /// <summary>Whether every weight fits the kernel's exact operand range.</summary>
    public static bool Applies(Int8Weights weights)
    {
        foreach (var v in weights.Values)
        {
            if (v < MinWeight || v > MaxWeight)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A max pool is fused when its windows tile the conv output without padding and hold few enough pixels.</summary>
    public static bool CanFuse(Pool2DLayer pool, WindowGeometry poolGeometry) =>
        pool.IsMax
        && pool.StrideHeight == pool.PoolHeight && pool.StrideWidth == pool.PoolWidth
        && poolGeometry.PadTop == 0 && poolGeometry.PadLeft == 0
        && (poolGeometry.OutputHeight - 1) * pool.StrideHeight + pool.PoolHeight <= poolGeometry.InputHeight
        && (poolGeometry.OutputWidth - 1) * pool.StrideWidth + pool.PoolWidth <= poolGeometry.InputWidth
        && pool.PoolHeight * pool.PoolWidth <= 8;

    /// <summary>
    /// 16-channel vectors per step: the most (up to 4) that divide the channel blocks and fit the registers, each
    /// 16-channel accumulator taking <paramref name="registersPerVector"/> registers (2 in the VNNI kernel, whose
    /// vpdpbusd is 256-bit in .NET 10).
    /// </summary>
    public static int VectorsFor(int channelBlocks, int pixels, int registersPerVector = 1)
    {
        foreach (int v in new[] { 4, 2, 1 })
        {
            if (channelBlocks % v == 0 && v * pixels * registersPerVector <= MaxAccumulators)
            {
                return v;
            }
        }

        return 1;
    }

    /// <summary>
    /// Accumulator registers of the VNNI kernel's step. .NET 10's vpdpbusd (AvxVnni) is 256-bit and the JIT keeps its
    /// accumulator (the instruction's destination) in ymm0-15 even when it encodes it with EVEX: an accumulator in
    /// ymm16-31 costs a move in and out around every vpdpbusd. 14 leaves two of the 16 for the JIT's temporaries; the
    /// weights and broadcasts, plain sources, may sit in ymm16-31.
    /// </summary>
    public const int MaxVnniAccumulators = 14;

    /// <summary>
    /// vpdpbusd's latency in cycles (5) plus one of slack: a step with fewer than 2 x this independent accumulators waits
    /// on it (two issue per cycle).
    /// </summary>
    private const int VnniLatency = 6;

    /// <summary>Cycles a step spends outside its products (loop, addresses, accumulator set-up), as a rough constant.</summary>
    private const int StepOverhead = 6;

    /// <summary>
    /// Pixels and 16-channel vectors of the VNNI kernel's step (each vector two 256-bit accumulators per pixel): the
    /// shape with at most <see cref="MaxVnniAccumulators"/> accumulators that does the most useful products per cycle
    /// by a simple model of one step — two vpdpbusd and two loads (weights, broadcasts) per cycle, bounded by the
    /// instruction's latency when the step has few accumulators, plus a fixed overhead — counting the products the
    /// last, overlapping step of a row recomputes as waste. With a fused pool the step is one pool window, whose pixels
    /// leave no choice but the vectors: the 16 accumulators of <paramref name="fallbackVectors"/> (the AVX-512BW
    /// kernel's choice) are kept there, since one vector (8 accumulators for a 2x2 window) waits on the latency and
    /// measured slower on intel-cnn's 3x3 convs than paying the moves of the 16.
    /// </summary>
    /// <param name="channelBlocks">16-channel blocks of the padded output channels.</param>
    /// <param name="columns">Output columns of a row (unfused).</param>
    /// <param name="kernelGroups">Groups of 4 bytes per output pixel: Kh x ceil(Kw x Cin / 4).</param>
    /// <param name="poolPixels">The fused pool window's pixels, or null.</param>
    /// <param name="fallbackVectors">Vectors when the pool window is too large for the budget.</param>
    /// <param name="maxPixels">The most pixels a step may take (unfused).</param>
    /// <param name="halfLastBlock">
    /// The last block has at most 8 real channels: a step over all the blocks computes its lower 8-lane half only, and
    /// a step over fewer blocks wastes the upper half's products (counted as waste).
    /// </param>
    public static (int Pixels, int Vectors) VnniShape(
        int channelBlocks, int columns, int kernelGroups, int? poolPixels, int fallbackVectors, int maxPixels = int.MaxValue, bool halfLastBlock = false)
    {
        if (poolPixels is { } window)
        {
            return (window, fallbackVectors);
        }

        var best = (Pixels: 0, Vectors: 0);
        double bestScore = 0;
        for (int v = 1; v <= 4; v++)
        {
            if (channelBlocks % v != 0)
            {
                continue;
            }

            for (int p = 1; p <= Math.Min(Math.Min(columns, maxPixels), MaxVnniAccumulators / 2); p++)
            {
                bool half = halfLastBlock && v == channelBlocks;
                int halves = half ? (2 * v) - 1 : 2 * v;
                int accumulators = p * halves;
                if (accumulators > MaxVnniAccumulators)
                {
                    break;
                }

                double used = (double)columns / ((columns + p - 1) / p * p) * (halfLastBlock && !half ? (2.0 * channelBlocks - 1) / (2.0 * channelBlocks) : 1);
                double cycles = (kernelGroups * Math.Max(Math.Max(p * halves / 2.0, (halves + p) / 2.0), VnniLatency)) + StepOverhead;
                double score = accumulators * used * kernelGroups / cycles;
                if (score > bestScore + 1e-9)
                {
                    best = (p, v);
                    bestScore = score;
                }
            }
        }

        return best;
    }

    /// <summary>
    /// A 1x1 convolution of stride 1 without padding: output pixel n reads exactly input pixel n, so the uint8 copy is
    /// the input as it is and the kernel may walk all the pixels of its rows as one run.
    /// </summary>
    public static bool IsPointwise(WindowGeometry c) =>
        c.KernelHeight == 1 && c.KernelWidth == 1 && c.StrideHeight == 1 && c.StrideWidth == 1 && c.PadTop == 0 && c.PadLeft == 0
        && c.OutputHeight == c.InputHeight && c.OutputWidth == c.InputWidth;

    /// <summary>Rows and columns of the padded input: every window of every output pixel lies inside it.</summary>
    public static (int Height, int Width) PaddedSize(WindowGeometry c) => (
        Math.Max(c.PadTop + c.InputHeight, (c.OutputHeight - 1) * c.StrideHeight + c.KernelHeight),
        Math.Max(c.PadLeft + c.InputWidth, (c.OutputWidth - 1) * c.StrideWidth + c.KernelWidth));

    /// <summary>Kernel-row groups of 4 bytes: ceil(Kw * Cin / 4).</summary>
    public static int GroupsFor(int kernelWidth, int channels) => (kernelWidth * channels + 3) / 4;

    /// <summary><c>[Cout/16][Kh][G][16][4]</c> over r = kx*Cin + ci; cells past the run and padded channels are 0.</summary>
    public static byte[] PackWeights(sbyte[] oihw, int cout, int cin, int kh, int kw, int paddedCout, int groups)
    {
        int run = kw * cin;
        var packed = new byte[paddedCout * kh * groups * 4];
        for (int co = 0; co < cout; co++)
        {
            int block = co / WeightPacking.Lanes, lane = co % WeightPacking.Lanes;
            for (int ky = 0; ky < kh; ky++)
            {
                for (int r = 0; r < run; r++)
                {
                    int kx = r / cin, ci = r % cin;
                    int index = ((((block * kh) + ky) * groups + (r / 4)) * WeightPacking.Lanes + lane) * 4 + (r % 4);
                    packed[index] = (byte)oihw[((co * cin + ci) * kh + ky) * kw + kx];
                }
            }
        }

        return packed;
    }

    /// <summary>
    /// Per block of 16 channels, 32 little-endian int64: the shifts of the even channels, of the odd channels, then the
    /// rounding terms of each (the AVX-512 requantization multiplies even and odd lanes separately): 2^(shift-1), or with
    /// TFLite's rule its term for a non-negative product (<c>TfliteRequantizer.RoundingTerm</c>; the kernel subtracts 2^31
    /// for a negative one where shift &gt; 31). Padded channels get shift 1 and multiplier 0, which requantizes to the zero point.
    /// </summary>
    public static byte[] RequantizationConstants(IReadOnlyList<int> shifts, int paddedCout, Rounding rounding)
    {
        var bytes = new byte[paddedCout / WeightPacking.Lanes * 32 * 8];
        for (int block = 0; block < paddedCout / WeightPacking.Lanes; block++)
        {
            for (int i = 0; i < 8; i++)
            {
                for (int odd = 0; odd < 2; odd++)
                {
                    int c = block * WeightPacking.Lanes + 2 * i + odd;
                    int shift = c < shifts.Count ? shifts[c] : 1;
                    WriteInt64(bytes, (block * 32) + (odd * 8) + i, shift);
                    WriteInt64(bytes, (block * 32) + 16 + (odd * 8) + i, rounding == Rounding.Tflite ? TfliteRequantizer.RoundingTerm(0, shift) : 1L << (shift - 1));
                }
            }
        }

        return bytes;
    }

    /// <summary>Stores <paramref name="value"/> little-endian as the <paramref name="index"/>-th int64 of <paramref name="bytes"/>.</summary>
    internal static void WriteInt64(byte[] bytes, int index, long value)
    {
        for (int b = 0; b < 8; b++)
        {
            bytes[index * 8 + b] = (byte)(value >> (8 * b));
        }
    }

    /// <summary>The multipliers padded with 0 to a whole number of 16-channel blocks.</summary>
    public static int[] PadMultipliers(IReadOnlyList<int> multipliers, int paddedCout)
    {
        var padded = new int[paddedCout];
        for (int c = 0; c < multipliers.Count; c++)
        {
            padded[c] = multipliers[c];
        }

        return padded;
    }
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The depthwise convolution and addition kernels on each vector path against the Runtime's arithmetic
/// (<see cref="Requantizer"/>, <see cref="Int8Addition"/>): channel counts around each vector width, kernel sizes and
/// strides, rows of one to nine pixels (the AVX-512 path computes four at a time), blocks of 32 and of 16 channels (the
/// AVX-512 path pairs kernel cells over 32 channels, then takes 16, and takes 16 channels of stride 1 as pixel pairs; with 3x3 kernels of stride 1 over blocks of 16 it widens each input row once; the AVX2 path takes blocks of 16, four pixels at a time, then the channels left one pixel at a time), full int8 operand ranges, scales
/// whose ratio is far above and far below 1.
/// </summary>
public sealed class DepthwiseAndAdditionKernelTests
{
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void DepthwiseConvIsTheRequantizedSumOfEachChannel(string path) => DepthwiseConvMatchesTheScalarRule(path, narrow: false);

    /// <summary>The same with the narrow requantization table (every shift here is in [32, 54]).</summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void DepthwiseConvWithTheNarrowRequantizationIsTheRequantizedSumOfEachChannel(string path) => DepthwiseConvMatchesTheScalarRule(path, narrow: true);

    private static void DepthwiseConvMatchesTheScalarRule(string path, bool narrow)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(7);
        foreach (int channels in new[] { 1, 3, 8, 15, 16, 17, 24, 31, 32, 33, 48, 64, 80, 97, 544 })
        {
            // 16 channels also at stride 1 in rows of 8 to 17 pixels: the AVX-512 path takes those pixels two at a time as 32 channels.
            // Blocks of 16 channels also with 3x3 kernels at strides 1 and 2: at stride 1 the AVX-512 path widens each input row once.
            int widenedTrials = channels % 16 == 0 ? 4 : 0;
            for (int trial = 0; trial < (channels == 16 ? 8 : 4) + widenedTrials; trial++)
            {
                int kh = random.Next(1, 5), kw = random.Next(1, 5), sh = random.Next(1, 3), sw = random.Next(1, 3);
                int outH = random.Next(1, 4), outW = random.Next(1, 10);
                if (trial >= (channels == 16 ? 8 : 4))
                {
                    (kh, kw, sh, sw, outH, outW) = (3, 3, 1 + (trial % 2), 1 + (trial % 2), random.Next(1, 6), random.Next(1, 12));
                }
                else if (trial >= 4)
                {
                    (sw, outW) = (1, 8 + ((trial - 4) * 3));
                }
                else if (channels == 544)
                {
                    // 17 blocks of 32 channels and 8 cell pairs: too many weights for the stack, so each block's are computed per use.
                    (kh, kw) = (4, 4);
                }

                int inH = (outH - 1) * sh + kh, inW = (outW - 1) * sw + kw;
                var x = Bytes(random, inH * inW * channels, 128);
                var w = Bytes(random, kh * kw * channels, 127);
                int padded = (channels + 15) / 16 * 16;
                var bias = Enumerable.Range(0, padded).Select(c => c < channels ? random.Next(-200000, 200000) : 0).ToArray();
                var multipliers = new int[padded];
                var shifts = new int[padded];
                var constants = new long[padded * (narrow ? 3 : 2)];
                int zeroPoint = random.Next(-128, 128);
                for (int c = 0; c < padded; c++)
                {
                    var m = c < channels ? Requantizer.MultiplierFor(1f, (float)(0.0005 + random.NextDouble() * 0.01), 1f) : new QuantizedMultiplier(0, narrow ? 32 : 1);
                    (multipliers[c], shifts[c]) = (m.Multiplier, m.Shift);
                    int block = c / 16, lane = c % 16, odd = lane % 2;
                    if (narrow)
                    {
                        constants[(block * 48) + (odd * 8) + (lane / 2)] = m.Shift - (32 * odd);
                        constants[(block * 48) + 16 + (odd * 8) + (lane / 2)] = (1L << (m.Shift - 1)) + ((long)zeroPoint << m.Shift);
                        constants[(block * 48) + 32 + (odd * 8) + (lane / 2)] = m.Multiplier;
                    }
                    else
                    {
                        constants[(block * 32) + (odd * 8) + (lane / 2)] = m.Shift;
                        constants[(block * 32) + 16 + (odd * 8) + (lane / 2)] = 1L << (m.Shift - 1);
                    }
                }

                var (min, max) = random.Next(2) == 0 ? (-128, 127) : (zeroPoint, Math.Min(127, zeroPoint + 60));
                var y = new sbyte[outH * outW * channels + 16];
                var staged = new int[16];
                KernelLibrary.DepthwiseConvInt8<SingleRounding>(
                    ref x[0], ref w[0], ref bias[0], ref multipliers[0], ref shifts[0], ref constants[0], ref y[0], ref staged[0],
                    inW, channels, outH, outW, kh, kw, sh, sw, zeroPoint, min, max, narrow, bits);
                for (int oy = 0; oy < outH; oy++)
                {
                    for (int ox = 0; ox < outW; ox++)
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            int acc = bias[c];
                            for (int ky = 0; ky < kh; ky++)
                            {
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    acc += x[(((oy * sh) + ky) * inW + (ox * sw) + kx) * channels + c] * w[((ky * kw) + kx) * channels + c];
                                }
                            }

                            int expected = Requantizer.Requantize(acc, multipliers[c], shifts[c], zeroPoint, min, max);
                            Assert.True(expected == y[((oy * outW) + ox) * channels + c],
                                $"{path}: {channels} channels, kernel {kh}x{kw}, stride {sh}x{sw}, output ({oy}, {ox}) channel {c}: {y[((oy * outW) + ox) * channels + c]} instead of {expected}");
                        }
                    }
                }

                Assert.All(y.Skip(outH * outW * channels), v => Assert.Equal(0, v));
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void AdditionIsInt8AdditionOnEveryElement(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(8);
        // (first scale, second scale, output scale): equal, each input larger by far, outputs finer and coarser than the inputs.
        (float, float, float)[] scales =
        [
            (0.02f, 0.02f, 0.04f), (0.5f, 0.001f, 0.3f), (0.001f, 0.5f, 0.7f), (0.013f, 0.021f, 0.005f), (0.03f, 0.017f, 0.2f), (1e-5f, 3e-5f, 1e-6f),
        ];
        foreach (var (s1, s2, sOut) in scales)
        {
            var multipliers = Int8Addition.MultipliersFor(s1, s2, sOut);
            foreach (int count in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 300 })
            {
                var a = Bytes(random, count, 128);
                var b = Bytes(random, count, 128);
                int za = random.Next(-128, 128), zb = random.Next(-128, 128), zOut = random.Next(-128, 128);
                var (min, max) = random.Next(3) switch { 0 => (-128, 127), 1 => (zOut, 127), _ => (zOut, Math.Min(127, zOut + 40)) };
                var y = new sbyte[count + 16];
                KernelLibrary.AddInt8<SingleRounding>(
                    ref a[0], ref b[0], ref y[0], count, za, multipliers.First.Multiplier, multipliers.First.Shift, zb, multipliers.Second.Multiplier, multipliers.Second.Shift,
                    multipliers.Output.Multiplier, multipliers.Output.Shift, zOut, min, max, bits);
                for (int i = 0; i < count; i++)
                {
                    int expected = Int8Addition.Add(a[i], za, b[i], zb, multipliers, zOut, min, max);
                    Assert.True(expected == y[i], $"{path}: scales {s1}/{s2}/{sOut}, count {count}, element {i}: {y[i]} instead of {expected}");
                }

                Assert.All(y.Skip(count), v => Assert.Equal(0, v));
            }
        }
    }

    /// <summary>Every pair of int8 operands, for scale ratios above and below 1 and zero points at both ends.</summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void AdditionIsInt8AdditionOnEveryPairOfOperands(string path) => CheckEveryPairOfOperands<SingleRounding>(path, Int8Addition.Add);

    /// <summary>The same with TFLite's rule (rounding tflite) against <see cref="TfliteAddition"/>: every rescaling's shift exceeds 31 here.</summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void AdditionWithTfliteRoundingIsTfliteAdditionOnEveryPairOfOperands(string path) => CheckEveryPairOfOperands<TfliteRounding>(path, TfliteAddition.Add);

    /// <summary>
    /// The scale sets above take AddInt8Narrow512 on the AVX-512 path (its shift ranges), so the every-pair tests check
    /// that loop; the fourth (input scales 50,000 apart: the second input's shift less 20 exceeds 22) keeps the 64-bit loop's.
    /// </summary>
    [Fact]
    public void EveryPairScalesReachTheNarrowAdditionLoop()
    {
        foreach (var (s1, s2, sOut) in new[] { (0.0371f, 0.0123f, 0.0517f), (0.0093f, 0.0291f, 0.0133f), (0.25f, 0.0017f, 0.1f) })
        {
            var m = Int8Addition.MultipliersFor(s1, s2, sOut);
            Assert.True(KernelLibrary.NarrowAdditionApplies(m.First.Shift, m.Second.Shift, m.Output.Shift), $"scales {s1}/{s2}/{sOut}");
        }

        var wide = Int8Addition.MultipliersFor(0.5f, 1e-5f, 0.3f);
        Assert.False(KernelLibrary.NarrowAdditionApplies(wide.First.Shift, wide.Second.Shift, wide.Output.Shift));
    }

    private static void CheckEveryPairOfOperands<TRounding>(string path, Func<int, int, int, int, AdditionMultipliers, int, int, int, int> add)
        where TRounding : struct
    {
        int bits = VectorPaths.Bits(path);
        var a = Enumerable.Range(0, 65536).Select(i => (sbyte)((i >> 8) - 128)).ToArray();
        var b = Enumerable.Range(0, 65536).Select(i => (sbyte)((i & 255) - 128)).ToArray();
        var y = new sbyte[65536];
        foreach (var (s1, s2, sOut, za, zb, zOut) in new[] { (0.0371f, 0.0123f, 0.0517f, -128, 127, 5), (0.0093f, 0.0291f, 0.0133f, 127, -128, -128), (0.25f, 0.0017f, 0.1f, 0, 3, -7), (0.5f, 1e-5f, 0.3f, 3, -9, 2) })
        {
            var multipliers = Int8Addition.MultipliersFor(s1, s2, sOut);
            KernelLibrary.AddInt8<TRounding>(
                ref a[0], ref b[0], ref y[0], y.Length, za, multipliers.First.Multiplier, multipliers.First.Shift, zb, multipliers.Second.Multiplier, multipliers.Second.Shift,
                multipliers.Output.Multiplier, multipliers.Output.Shift, zOut, -128, 127, bits);
            for (int i = 0; i < y.Length; i++)
            {
                int expected = add(a[i], za, b[i], zb, multipliers, zOut, -128, 127);
                Assert.True(expected == y[i], $"{path}: scales {s1}/{s2}/{sOut}, {a[i]} + {b[i]}: {y[i]} instead of {expected}");
            }
        }
    }

    /// <summary>Random int8 values, a tenth of them at the limits -<paramref name="limit"/> and 127.</summary>
    private static sbyte[] Bytes(Random random, int count, int limit) =>
        Enumerable.Range(0, count).Select(_ => (sbyte)(random.Next(10) == 0 ? (random.Next(2) == 0 ? -limit : 127) : random.Next(-limit, 128))).ToArray();
}

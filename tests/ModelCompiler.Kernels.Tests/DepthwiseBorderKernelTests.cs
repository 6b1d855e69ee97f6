using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// DepthwiseConvInt8WithBorder on each vector path against the Runtime's arithmetic with the border cells holding the
/// input zero point: 3x3 kernels of stride 1 and 2 over 7-bit weights (so the AVX2 path's byte-quad kernel takes them
/// and reads the border as the fill, pixel pairs for 16 channels included), every border from none to two cells a side,
/// inputs of one to nine pixels a side (rows and columns wholly border, columns half inside).
/// </summary>
public sealed class DepthwiseBorderKernelTests
{
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void TheBorderReadsAsTheInputZeroPoint(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(11);
        foreach (int channels in new[] { 16, 32, 64, 96 })
        {
            for (int trial = 0; trial < 24; trial++)
            {
                int stride = 1 + (trial % 2);
                int top = random.Next(0, 3), bottom = random.Next(0, 3), left = random.Next(0, 3), right = random.Next(0, 3);
                int inH = random.Next(Math.Max(1, 3 - top - bottom), 10), inW = random.Next(Math.Max(1, 3 - left - right), 10);
                int outH = ((top + inH + bottom - 3) / stride) + 1, outW = ((left + inW + right - 3) / stride) + 1;
                var x = Bytes(random, inH * inW * channels, 128, 128);
                var w = Bytes(random, 9 * channels, 64, 64);
                var bias = Enumerable.Range(0, channels).Select(_ => random.Next(-200000, 200000)).ToArray();
                var multipliers = new int[channels];
                var shifts = new int[channels];
                var constants = new long[channels * 3];
                int zeroPoint = random.Next(-128, 128);
                sbyte fill = (sbyte)random.Next(-128, 128);
                for (int c = 0; c < channels; c++)
                {
                    var m = Requantizer.MultiplierFor(1f, (float)(0.0005 + (random.NextDouble() * 0.01)), 1f);
                    (multipliers[c], shifts[c]) = (m.Multiplier, m.Shift);
                    int block = c / 16, lane = c % 16, odd = lane % 2;
                    constants[(block * 48) + (odd * 8) + (lane / 2)] = m.Shift - (32 * odd);
                    constants[(block * 48) + 16 + (odd * 8) + (lane / 2)] = (1L << (m.Shift - 1)) + ((long)zeroPoint << m.Shift);
                    constants[(block * 48) + 32 + (odd * 8) + (lane / 2)] = m.Multiplier;
                }

                var (min, max) = random.Next(2) == 0 ? (-128, 127) : (zeroPoint, Math.Min(127, zeroPoint + 60));
                var padded = new sbyte[(top + inH + bottom) * (left + inW + right) * channels];
                var y = new sbyte[(outH * outW * channels) + 16];
                var staged = new int[16];
                KernelLibrary.DepthwiseConvInt8WithBorder<SingleRounding>(
                    ref x[0], ref padded[0], inH, inW, top, bottom, left, right, fill, ref w[0], ref bias[0], ref multipliers[0], ref shifts[0], ref constants[0],
                    ref y[0], ref staged[0], channels, outH, outW, 3, 3, stride, stride, zeroPoint, min, max, narrowRequantization: true, bits);
                for (int oy = 0; oy < outH; oy++)
                {
                    for (int ox = 0; ox < outW; ox++)
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            int acc = bias[c];
                            for (int ky = 0; ky < 3; ky++)
                            {
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int iy = (oy * stride) + ky - top, ix = (ox * stride) + kx - left;
                                    int value = iy >= 0 && iy < inH && ix >= 0 && ix < inW ? x[((iy * inW) + ix) * channels + c] : fill;
                                    acc += value * w[(((ky * 3) + kx) * channels) + c];
                                }
                            }

                            int expected = Requantizer.Requantize(acc, multipliers[c], shifts[c], zeroPoint, min, max);
                            int actual = y[(((oy * outW) + ox) * channels) + c];
                            Assert.True(expected == actual,
                                $"{path}: {channels} channels, {inH}x{inW} input, border {top} {bottom} {left} {right}, stride {stride}, output ({oy}, {ox}) channel {c}: {actual} instead of {expected}");
                        }
                    }
                }

                Assert.All(y.Skip(outH * outW * channels), v => Assert.Equal(0, v));
            }
        }
    }

    private static sbyte[] Bytes(Random random, int count, int below, int above) =>
        Enumerable.Range(0, count).Select(_ => (sbyte)random.Next(-below, above)).ToArray();
}

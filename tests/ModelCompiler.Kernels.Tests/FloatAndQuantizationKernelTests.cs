using System.Runtime.InteropServices;
using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The float-domain kernels and the input quantization on each vector path: the same float32 operations per lane
/// as the scalar order (multiply, then add, never fused), and <see cref="Quantizer"/>'s rules, bit for bit.
/// </summary>
public sealed class FloatAndQuantizationKernelTests
{
    private static readonly float[] Special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 1e30f, -1e30f, float.Epsilon, 127.5f, -128.5f, 0.5f, 2.5f];

    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void QuantizeRunIsQuantizerQuantize(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(6);
        foreach (int count in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 49, 63, 64, 65, 200 })
        {
            float scale = (float)(0.001 + random.NextDouble() * 0.05);
            int zeroPoint = random.Next(-128, 128);
            var x = Enumerable.Range(0, count).Select(i => i % 7 == 3 ? Special[random.Next(Special.Length)] : (float)(random.NextDouble() * 8 - 4)).ToArray();
            var y = new sbyte[count];
            KernelLibrary.QuantizeRun(ref MemoryMarshal.GetArrayDataReference(x), ref MemoryMarshal.GetArrayDataReference(y), count, scale, zeroPoint, bits);
            for (int i = 0; i < count; i++)
            {
                Assert.True(Quantizer.Quantize(x[i], scale, zeroPoint) == y[i], $"{path}: {x[i]:R} / {scale:R} + {zeroPoint} gave {y[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void FloatDenseIsTheScalarOrder(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(7);
        foreach (int activation in new[] { 0, 1, 2 })
        {
            foreach (int units in new[] { 1, 16, 21 })
            {
                int inputs = random.Next(1, 40);
                int blocks = (units + 15) / 16;
                var x = Enumerable.Range(0, inputs).Select(i => i == 0 ? Special[random.Next(Special.Length)] : (float)(random.NextDouble() * 4 - 2)).ToArray();
                var w = Enumerable.Range(0, blocks * inputs * 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                var bias = Enumerable.Range(0, blocks * 16).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                var y = new float[units];
                KernelLibrary.FloatDense(ref x[0], ref w[0], ref bias[0], ref y[0], new float[16], inputs, units, activation, bits);
                for (int u = 0; u < units; u++)
                {
                    float acc = bias[u];
                    for (int i = 0; i < inputs; i++)
                    {
                        float product = x[i] * w[((u / 16 * inputs) + i) * 16 + (u % 16)];
                        acc = acc + product;
                    }

                    float expected = activation == 1 ? Quantizer.Relu(acc) : activation == 2 ? Quantizer.Relu6(acc) : acc;
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[u]) || (float.IsNaN(expected) && float.IsNaN(y[u])),
                        $"{path}: activation {activation}, {units} units, unit {u}: {y[u]:R} instead of {expected:R}");
                }
            }
        }
    }

    /// <summary>Pools have one (scalar) path: max and Quantizer.RoundedAverage over the in-bounds cells.</summary>
    [Fact]
    public void Int8AveragePoolIsRoundedAverageOfTheCellsInside()
    {
        var random = new Random(8);
        int h = 5, w = 4, c = 3;
        var x = Enumerable.Range(0, h * w * c).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        var y = new sbyte[3 * 2 * c];
        KernelLibrary.PoolInt8(ref x[0], ref y[0], h, w, c, 3, 2, 2, 2, 2, 2, 0, 0, isMax: false);
        for (int oy = 0; oy < 3; oy++)
        {
            for (int ox = 0; ox < 2; ox++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    long sum = 0;
                    int count = 0;
                    for (int ky = 0; ky < 2 && oy * 2 + ky < h; ky++)
                    {
                        for (int kx = 0; kx < 2; kx++)
                        {
                            sum += x[((oy * 2 + ky) * w + ox * 2 + kx) * c + ch];
                            count++;
                        }
                    }

                    Assert.Equal(Quantizer.RoundedAverage(sum, count), y[(oy * 2 + ox) * c + ch]);
                }
            }
        }
    }
}

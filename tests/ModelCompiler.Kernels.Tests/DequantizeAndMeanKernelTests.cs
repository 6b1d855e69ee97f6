using System.Runtime.InteropServices;
using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The MEAN chain of imported models (dequantize, float global average pool, quantize) and the input quantization's
/// edges on each vector path: <see cref="Quantizer"/>'s rules and the scalar float order, bit for bit.
/// </summary>
public sealed class DequantizeAndMeanKernelTests
{
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void QuantizeRunMatchesOnTiesClampEdgesAndOverflow(string path)
    {
        int bits = VectorPaths.Bits(path);
        // Scale 0.5 makes every multiple of 0.25 an exact tie after the division; the rest probe the clamp, the
        // [-512, 512] pre-clamp, the int32 range of the conversion and NaN against both extreme zero points.
        var values = new List<float>();
        for (int k = -1100; k <= 1100; k++)
        {
            values.Add(k * 0.25f);
        }

        values.AddRange([255.75f, 256.25f, 511.75f, -511.75f, 3e9f, -3e9f, 2147483520f, -2147483648f, float.MaxValue, float.MinValue,
            float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, -float.Epsilon, 1e-40f]);
        var x = values.ToArray();
        var y = new sbyte[x.Length];
        foreach (int zeroPoint in new[] { -128, -1, 0, 5, 127 })
        {
            foreach (float scale in new[] { 0.5f, 1f, 0.007843138f, 3e-39f })
            {
                KernelLibrary.QuantizeRun(ref MemoryMarshal.GetArrayDataReference(x), ref MemoryMarshal.GetArrayDataReference(y), x.Length, scale, zeroPoint, bits);
                for (int i = 0; i < x.Length; i++)
                {
                    Assert.True(Quantizer.Quantize(x[i], scale, zeroPoint) == y[i], $"{path}: {x[i]:R} / {scale:R} + {zeroPoint} gave {y[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void DequantizeRunIsQuantizerDequantize(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(11);
        foreach (int count in new[] { 0, 1, 15, 16, 17, 63, 64, 65, 300 })
        {
            foreach (int zeroPoint in new[] { -128, 0, 127 })
            {
                float scale = (float)(0.001 + random.NextDouble() * 0.05);
                var x = Enumerable.Range(0, count).Select(i => (sbyte)(i < 256 ? i - 128 : random.Next(-128, 128))).ToArray();
                var y = new float[count];
                KernelLibrary.DequantizeRun(ref MemoryMarshal.GetArrayDataReference(x), ref MemoryMarshal.GetArrayDataReference(y), count, scale, zeroPoint, bits);
                for (int i = 0; i < count; i++)
                {
                    float expected = Quantizer.Dequantize(x[i], scale, zeroPoint);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[i]), $"{path}: ({x[i]} - {zeroPoint}) * {scale:R} gave {y[i]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void GlobalPoolFloatIsTheScalarSumThenDivide(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(12);
        foreach (var (h, w, c) in new[] { (1, 1, 1), (7, 7, 1280), (3, 5, 70), (2, 2, 17), (7, 7, 96) })
        {
            var x = Enumerable.Range(0, h * w * c).Select(i => i % 97 == 5 ? float.NaN : i % 89 == 3 ? -0f : (float)(random.NextDouble() * 20 - 10)).ToArray();
            var y = new float[c];
            KernelLibrary.GlobalPoolFloat(ref x[0], ref y[0], h, w, c, bits);
            for (int ch = 0; ch < c; ch++)
            {
                float sum = 0f;
                for (int i = 0; i < h * w; i++)
                {
                    sum = sum + x[i * c + ch];
                }

                float expected = sum / (h * w);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[ch]) || (float.IsNaN(expected) && float.IsNaN(y[ch])),
                    $"{path}: {h}x{w}x{c}, channel {ch}: {y[ch]:R} instead of {expected:R}");
            }
        }
    }
}

using System.Runtime.InteropServices;
using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The int8 kernels on each vector path against the plain integer sums and the Runtime's <see cref="Requantizer"/>
/// (the reference interpreter's requantization). Operands cover the full ranges each kernel allows, limits included.
/// </summary>
public sealed class Int8KernelTests
{
    /// <summary>
    /// Seven-bit weights ([-64, 63], the operand range for which u8 x s8 pairs cannot saturate) and full-range ones
    /// ([-128, 127], the halved input or vpdpbusd) on uint8 inputs, a fifth of them at the ends of their ranges.
    /// </summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void DenseUnsignedIsTheIntegerSumRequantized(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(3);
        foreach (var (units, fullRange) in new[] { 1, 3, 4, 9, 13, 17 }.SelectMany(u => new[] { (u, false), (u, true) }))
        {
            foreach (int length in new[] { 64, 192 })
            {
                var x = Enumerable.Range(0, length).Select(_ => (byte)Edge(random, 0, 255)).ToArray();
                var w = Enumerable.Range(0, units * length).Select(_ => (sbyte)(fullRange ? Edge(random, -128, 127) : Edge(random, -64, 63))).ToArray();
                var bias = Enumerable.Range(0, units).Select(_ => random.Next(-300000, 300000)).ToArray();
                var multipliers = Enumerable.Range(0, units).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
                var shifts = Enumerable.Range(0, units).Select(_ => random.Next(8, 24)).ToArray();
                int zeroPoint = random.Next(-128, 128), min = random.Next(-128, 0), max = random.Next(0, 128);
                var output = new sbyte[units];
                if (fullRange)
                {
                    KernelLibrary.DenseUnsigned<SingleRounding, FullRangeWeights>(ref x[0], ref w[0], ref bias[0], ref multipliers[0], ref shifts[0], ref output[0], units, length, zeroPoint, min, max, bits);
                }
                else
                {
                    KernelLibrary.DenseUnsigned<SingleRounding, SevenBitWeights>(ref x[0], ref w[0], ref bias[0], ref multipliers[0], ref shifts[0], ref output[0], units, length, zeroPoint, min, max, bits);
                }

                for (int u = 0; u < units; u++)
                {
                    long sum = bias[u];
                    for (int i = 0; i < length; i++)
                    {
                        sum += x[i] * w[u * length + i];
                    }

                    int expected = Requantizer.Requantize((int)sum, multipliers[u], shifts[u], zeroPoint, min, max);
                    Assert.True(expected == output[u], $"{path}{(fullRange ? ", full range" : string.Empty)}: {units} units, length {length}, unit {u}: {output[u]} instead of {expected}");
                }
            }
        }
    }

    /// <summary>
    /// The 16-channel requantization of the blocked convolution: the AVX-512 path's 64-bit even/odd lane products
    /// (RequantizeStore512), the other paths' staged scalar one, both against <see cref="Requantizer"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void BlockRequantizationIsRequantizer(string path) =>
        CheckBlockRequantization<SingleRounding>(path, shift => 1L << (shift - 1), Requantizer.Requantize);

    /// <summary>
    /// The same with TFLite's rule (rounding tflite): the AVX-512 path's sign-dependent rounding term where shift &gt; 31
    /// (the table holds TfliteRequantizer.RoundingTerm of a non-negative product), against <see cref="TfliteRequantizer"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void BlockRequantizationWithTfliteRoundingIsTfliteRequantizer(string path) =>
        CheckBlockRequantization<TfliteRounding>(path, shift => TfliteRequantizer.RoundingTerm(0, shift), TfliteRequantizer.Requantize);

    private static void CheckBlockRequantization<TRounding>(string path, Func<int, long> positiveTerm, Func<int, int, int, int, int, int, int> requantize)
        where TRounding : struct
    {
        var random = new Random(4);
        for (int round = 0; round < 200; round++)
        {
            var acc = Enumerable.Range(0, 16).Select(_ => round % 10 == 0 ? Edge(random, int.MinValue / 2, int.MaxValue / 2) : random.Next(-2_000_000, 2_000_000)).ToArray();
            var multipliers = Enumerable.Range(0, 16).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
            var shifts = Enumerable.Range(0, 16).Select(_ => random.Next(1, 40)).ToArray();
            int zeroPoint = random.Next(-128, 128), min = random.Next(-128, 0), max = random.Next(0, 128);
            int count = round % 3 == 0 ? random.Next(1, 16) : 16;
            var output = Enumerable.Repeat((sbyte)99, 16).ToArray();
            if (VectorPaths.Bits(path) >= 512)
            {
                var constants = new long[32];
                for (int i = 0; i < 8; i++)
                {
                    for (int odd = 0; odd < 2; odd++)
                    {
                        int shift = shifts[2 * i + odd];
                        constants[(odd * 8) + i] = shift;
                        constants[16 + (odd * 8) + i] = positiveTerm(shift);
                    }
                }

                KernelLibrary.RequantizeStore512<TRounding>(System.Runtime.Intrinsics.Vector512.Create(acc), ref multipliers[0], ref constants[0], zeroPoint, min, max, ref output[0], count);
            }
            else
            {
                KernelLibrary.RequantizeStaged<TRounding>(ref acc[0], ref multipliers[0], ref shifts[0], zeroPoint, min, max, ref output[0], count);
            }

            for (int c = 0; c < 16; c++)
            {
                int expected = c < count ? requantize(acc[c], multipliers[c], shifts[c], zeroPoint, min, max) : 99;
                Assert.True(expected == output[c], $"{path}: round {round}, channel {c}: {output[c]} instead of {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void FlipSignKeepsEveryValue(string path)
    {
        int bits = VectorPaths.Bits(path);
        foreach (int count in new[] { 1, 15, 16, 17, 32, 49, 64, 129, 256 })
        {
            var input = Enumerable.Range(0, count).Select(i => unchecked((sbyte)(i * 37 - 128))).ToArray();
            var unsigned = new byte[count];
            KernelLibrary.FlipSign(ref input[0], ref unsigned[0], count, bits);
            Assert.Equal(input.Select(v => (byte)(v + 128)), unsigned);
        }
    }

    /// <summary>The padded uint8 copy of the blocked convolution: q + 128 inside, zp + 128 in the border.</summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void ToUnsignedPlacesTheInputInsideItsBorder(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(5);
        foreach (var (height, rowBytes, top, left, extraRows, extraBytes) in new[] { (5, 12, 1, 3, 2, 6), (7, 70, 0, 0, 0, 0), (7, 70, 0, 0, 2, 0), (3, 3, 2, 1, 4, 2) })
        {
            var input = Enumerable.Range(0, height * rowBytes).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            int paddedHeight = height + top + extraRows, paddedRowBytes = rowBytes + left + extraBytes;
            var padded = new byte[paddedHeight * paddedRowBytes];
            KernelLibrary.ToUnsigned(ref input[0], ref padded[0], height, rowBytes, paddedHeight, paddedRowBytes, top, left, 77, bits);
            for (int y = 0; y < paddedHeight; y++)
            {
                for (int x = 0; x < paddedRowBytes; x++)
                {
                    bool inside = y >= top && y < top + height && x >= left && x < left + rowBytes;
                    byte expected = inside ? (byte)(input[(y - top) * rowBytes + x - left] + 128) : (byte)77;
                    Assert.Equal(expected, padded[y * paddedRowBytes + x]);
                }
            }
        }
    }

    /// <summary>A value in [min, max], one time in four at one of its limits.</summary>
    internal static int Edge(Random random, int min, int max) =>
        random.Next(4) == 0 ? (random.Next(2) == 0 ? min : max) : (int)random.NextInt64(min, (long)max + 1);
}

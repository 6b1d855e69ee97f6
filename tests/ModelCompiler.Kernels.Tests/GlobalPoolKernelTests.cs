using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The int8 global average pool on each vector path against Quantizer.RoundedAverage of the 64-bit sum: channel counts
/// around the 16-channel vector blocks, one to many cells, inputs at both ends of int8 (the rounding of negative means).
/// </summary>
public sealed class GlobalPoolKernelTests
{
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void GlobalPoolInt8IsTheRoundedAverageOfEachChannel(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(15);
        foreach (int channels in new[] { 1, 15, 16, 17, 32, 40, 256 })
        {
            foreach (var (height, width) in new[] { (1, 1), (2, 3), (7, 7), (13, 11) })
            {
                for (int trial = 0; trial < 3; trial++)
                {
                    int n = height * width * channels;
                    var x = trial switch
                    {
                        0 => Enumerable.Repeat(sbyte.MinValue, n).ToArray(),
                        1 => Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, -120)).ToArray(),
                        _ => Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray(),
                    };
                    var y = new sbyte[channels + 16];
                    KernelLibrary.GlobalPoolInt8(ref x[0], ref y[0], height, width, channels, bits);
                    for (int c = 0; c < channels; c++)
                    {
                        long sum = 0;
                        for (int i = 0; i < height * width; i++)
                        {
                            sum += x[i * channels + c];
                        }

                        int expected = Quantizer.RoundedAverage(sum, height * width);
                        Assert.True(expected == y[c], $"{path}: {height}x{width}x{channels}, trial {trial}, channel {c}: {y[c]} instead of {expected}");
                    }

                    Assert.All(y.Skip(channels), v => Assert.Equal(0, v));
                }
            }
        }
    }
}

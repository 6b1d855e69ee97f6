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

    /// <summary>
    /// The rescaling mean (TFLite's integer MEAN) on each vector path against <c>RoundingRule.Requantize</c> of the int32
    /// sum with <c>MeanRescale</c>'s constants, under both rules: MobileNetV2's MEAN constants and ones whose products
    /// fall on half-way points (a power-of-two multiplier), where the two rules differ.
    /// </summary>
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void GlobalPoolInt8RescaledIsTheLayersRequantizationOfEachSum(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(16);
        foreach (var rounding in new[] { ModelCompiler.Format.Rounding.Single, ModelCompiler.Format.Rounding.Tflite })
        {
            foreach (int channels in new[] { 1, 15, 16, 17, 40 })
            {
                foreach (var (height, width) in new[] { (1, 1), (2, 2), (7, 7), (13, 11) })
                {
                    int count = height * width;
                    foreach (var rescale in new[] { MeanRescale.For(count, 0.023529412f, -128, 0.019077832f, -128), MeanRescale.For(count, 1f, 3, 1f, -5) })
                    {
                        int n = count * channels;
                        var x = Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
                        var y = new sbyte[channels + 16];
                        var (m, shift) = (rescale.Multiplier.Multiplier, rescale.Multiplier.Shift);
                        if (rounding == ModelCompiler.Format.Rounding.Tflite)
                        {
                            KernelLibrary.GlobalPoolInt8Rescaled<TfliteRounding>(ref x[0], ref y[0], height, width, channels, m, shift, rescale.Bias, bits);
                        }
                        else
                        {
                            KernelLibrary.GlobalPoolInt8Rescaled<SingleRounding>(ref x[0], ref y[0], height, width, channels, m, shift, rescale.Bias, bits);
                        }

                        for (int c = 0; c < channels; c++)
                        {
                            int sum = 0;
                            for (int i = 0; i < count; i++)
                            {
                                sum += x[i * channels + c];
                            }

                            int expected = RoundingRule.Requantize(rounding, sum, rescale.Multiplier, rescale.Bias, -128, 127);
                            Assert.True(expected == y[c], $"{path} {rounding}: {height}x{width}x{channels}, channel {c}: {y[c]} instead of {expected}");
                        }

                        Assert.All(y.Skip(channels), v => Assert.Equal(0, v));
                    }
                }
            }
        }
    }
}

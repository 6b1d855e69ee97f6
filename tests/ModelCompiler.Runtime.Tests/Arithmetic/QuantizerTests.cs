using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests.Arithmetic;

public sealed class QuantizerTests
{
    [Theory]
    // Ties to even, on both sides of zero.
    [InlineData(0.5f, 0)]
    [InlineData(1.5f, 2)]
    [InlineData(2.5f, 2)]
    [InlineData(-0.5f, 0)]
    [InlineData(-1.5f, -2)]
    [InlineData(-2.5f, -2)]
    [InlineData(0.4999999f, 0)]
    [InlineData(-3.7f, -4)]
    // Saturation at both ends (127.5 ties to 128, then clamps).
    [InlineData(127.5f, 127)]
    [InlineData(-128.5f, -128)]
    [InlineData(1e30f, 127)]
    [InlineData(-1e30f, -128)]
    [InlineData(float.PositiveInfinity, 127)]
    [InlineData(float.NegativeInfinity, -128)]
    [InlineData(float.NaN, -128)]
    public void UnitScaleRoundsHalfToEvenAndSaturates(float x, int expected)
    {
        Assert.Equal(expected, Quantizer.Quantize(x, new QuantParams(1f, 0)));
    }

    [Theory]
    [InlineData(2.5f, 10, 12)]
    [InlineData(-2.5f, -10, -12)]
    [InlineData(120f, 10, 127)]
    [InlineData(-120f, -10, -128)]
    public void ZeroPointIsAddedAfterRounding(float x, int zeroPoint, int expected)
    {
        Assert.Equal(expected, Quantizer.Quantize(x, new QuantParams(1f, zeroPoint)));
    }

    [Fact]
    public void DivisionIsFloat32()
    {
        // 0.35f / 0.1f is exactly 3.5 in float32 (ties to even: 4), although the exact ratio of the two float32
        // values is 3.4999998882..., which would round to 3.
        Assert.Equal(4, Quantizer.Quantize(0.35f, new QuantParams(0.1f, 0)));
        Assert.True((double)0.35f / 0.1f < 3.5);
        // 0.25f / 0.1f is exactly 2.5 in float32: ties to even gives 2.
        Assert.Equal(2, Quantizer.Quantize(0.25f, new QuantParams(0.1f, 0)));
    }

    [Theory]
    [InlineData(-128, 0.5f, 10, -69f)]
    [InlineData(127, 0.5f, 10, 58.5f)]
    [InlineData(10, 0.5f, 10, 0f)]
    [InlineData(3, 0.1f, 0, 0.3f)] // 3 * 0.1f in float32 is 0.3f (0.300000011920929)
    public void Dequantize(int value, float scale, int zeroPoint, float expected)
    {
        Assert.Equal(expected, Quantizer.Dequantize(value, new QuantParams(scale, zeroPoint)));
    }

    [Fact]
    public void ActivationRanges()
    {
        Assert.Equal((-128, 127), Quantizer.ActivationRange(Activation.None, new QuantParams(0.1f, 5)));
        Assert.Equal((5, 127), Quantizer.ActivationRange(Activation.Relu, new QuantParams(0.1f, 5)));
        Assert.Equal((-128, 127), Quantizer.ActivationRange(Activation.Relu, new QuantParams(0.1f, -128)));
        // 6 / 0.05f = 120 in float32: -128 + 120.
        Assert.Equal((-128, -8), Quantizer.ActivationRange(Activation.Relu6, new QuantParams(0.05f, -128)));
        // 6 / 0.0470588244f = 127.5 exactly in float32: ties to even gives 128, so the top is -128 + 128 = 0.
        Assert.Equal((-128, 0), Quantizer.ActivationRange(Activation.Relu6, new QuantParams(0.0470588244497776f, -128)));
        // quantize(6) beyond 127 clamps to 127.
        Assert.Equal((-20, 127), Quantizer.ActivationRange(Activation.Relu6, new QuantParams(0.01f, -20)));
    }

    [Theory]
    [InlineData(-1f, Activation.Relu, 0f)]
    [InlineData(2.5f, Activation.Relu, 2.5f)]
    [InlineData(7f, Activation.Relu6, 6f)]
    [InlineData(-7f, Activation.Relu6, 0f)]
    [InlineData(5.5f, Activation.Relu6, 5.5f)]
    [InlineData(-7f, Activation.None, -7f)]
    public void Activate(float x, Activation activation, float expected)
    {
        Assert.Equal(expected, Quantizer.Activate(x, activation));
    }

    [Theory]
    [InlineData(2L, 4, 1)] // 0.5: half away from zero
    [InlineData(-2L, 4, -1)]
    [InlineData(6L, 4, 2)] // 1.5
    [InlineData(-6L, 4, -2)]
    [InlineData(1L, 4, 0)] // 0.25
    [InlineData(-1L, 4, 0)]
    [InlineData(5L, 4, 1)] // 1.25
    [InlineData(7L, 4, 2)] // 1.75
    [InlineData(-7L, 4, -2)]
    [InlineData(1L, 3, 0)]
    [InlineData(2L, 3, 1)]
    [InlineData(-2L, 3, -1)]
    [InlineData(-1L, 3, 0)]
    [InlineData(0L, 9, 0)]
    [InlineData(-1143L, 9, -127)] // -127 exactly
    [InlineData(127L << 26, 1 << 26, 127)] // a 2^26-cell global pool: the sum needs 64 bits
    [InlineData(-128L << 26, 1 << 26, -128)]
    [InlineData((-128L << 26) + (1L << 25), 1 << 26, -128)] // -127.5, away from zero
    public void RoundedAverageIsHalfAwayFromZero(long sum, int count, int expected)
    {
        Assert.Equal(expected, Quantizer.RoundedAverage(sum, count));
    }

    [Theory]
    [InlineData(2L, 4, 1)] // 0.5 up
    [InlineData(-2L, 4, 0)] // -0.5 up, where RoundedAverage gives -1
    [InlineData(-6L, 4, -1)] // -1.5 up
    [InlineData(-7L, 4, -2)] // -1.75
    [InlineData(-5L, 4, -1)] // -1.25
    [InlineData(-1L, 3, 0)]
    [InlineData(-2L, 3, -1)]
    [InlineData(-1143L, 9, -127)]
    [InlineData(-128L << 26, 1 << 26, -128)]
    [InlineData((-128L << 26) + (1L << 25), 1 << 26, -127)] // -127.5, up
    public void HalfUpAverageIsTfliteUint8PoolOnTheInt8Values(long sum, int count, int expected)
    {
        Assert.Equal(expected, Quantizer.HalfUpAverage(sum, count));

        // The same as TFLite's uint8 formula (Σu + n/2) / n on u = x + 128, minus 128, whenever the values fit uint8.
        long uint8Sum = sum + 128L * count;
        Assert.Equal(expected, (int)((uint8Sum + count / 2) / count) - 128);
    }
}

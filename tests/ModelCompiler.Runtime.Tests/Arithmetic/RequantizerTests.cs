using System.Numerics;
using CsCheck;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Runtime.Tests.Arithmetic;

public sealed class RequantizerTests
{
    private static readonly QuantizedMultiplier Half = new(1 << 30, 31);

    [Theory]
    // Ties go toward +infinity, for positive and negative accumulators alike.
    [InlineData(1, 1)] // 0.5
    [InlineData(-1, 0)] // -0.5
    [InlineData(3, 2)] // 1.5
    [InlineData(-3, -1)] // -1.5
    [InlineData(5, 3)] // 2.5
    [InlineData(-5, -2)] // -2.5
    // Not ties: nearest.
    [InlineData(0, 0)]
    [InlineData(2, 1)]
    [InlineData(-2, -1)]
    [InlineData(-4, -2)]
    [InlineData(253, 127)] // 126.5 -> 127
    [InlineData(-257, -128)] // -128.5 -> -128
    public void HalfMultiplierRoundsTiesTowardPlusInfinity(int accumulator, int expected)
    {
        Assert.Equal(expected, Requantizer.Requantize(accumulator, Half, 0, -128, 127));
    }

    [Theory]
    [InlineData(3, -10, -8)] // 1.5 -> 2, + zp
    [InlineData(-3, 10, 9)] // -1.5 -> -1, + zp
    [InlineData(255, 0, 127)] // 127.5 -> 128: saturates at the top
    [InlineData(-258, 0, -128)] // -129 saturates at the bottom
    [InlineData(100, 100, 127)] // 50 + 100 saturates
    [InlineData(-100, -100, -128)] // -50 - 100 saturates
    [InlineData(int.MaxValue, 0, 127)]
    [InlineData(int.MinValue, 0, -128)]
    public void ZeroPointAndSaturation(int accumulator, int zeroPoint, int expected)
    {
        Assert.Equal(expected, Requantizer.Requantize(accumulator, Half, zeroPoint, -128, 127));
    }

    [Theory]
    [InlineData(-10, -5)] // ReLU clamps at the zero point
    [InlineData(20, 5)]
    [InlineData(200, 90)] // ReLU6-style upper clamp
    public void ActivationClamp(int accumulator, int expected)
    {
        Assert.Equal(expected, Requantizer.Requantize(accumulator, Half, -5, -5, 90));
    }

    [Theory]
    [InlineData(3, 5)] // 4.5 -> 5
    [InlineData(-3, -4)] // -4.5 -> -4
    [InlineData(10, 15)]
    [InlineData(-10, -15)]
    [InlineData(85, 127)] // 127.5 -> 128 saturates
    [InlineData(-86, -128)] // -129
    public void MultiplierAboveOne(int accumulator, int expected)
    {
        var m = QuantizedMultiplier.FromReal(1.5);
        Assert.Equal(expected, Requantizer.Requantize(accumulator, m, 0, -128, 127));
    }

    [Theory]
    [InlineData(8, 1)] // 0.5
    [InlineData(-8, 0)] // -0.5
    [InlineData(24, 2)] // 1.5
    [InlineData(-24, -1)] // -1.5
    [InlineData(-25, -2)] // -1.5625
    [InlineData(2032, 127)] // 127
    [InlineData(2040, 127)] // 127.5 saturates
    [InlineData(-2048, -128)]
    [InlineData(int.MinValue, -128)] // -2^27
    public void ExactPowerOfTwo(int accumulator, int expected)
    {
        var m = QuantizedMultiplier.FromReal(1.0 / 16);
        Assert.Equal(new QuantizedMultiplier(1 << 30, 34), m);
        Assert.Equal(expected, Requantizer.Requantize(accumulator, m, 0, -128, 127));
    }

    [Theory]
    // 2^-32 * acc is within (-0.5, 0.5) except acc = -2^31, a tie at -0.5 that goes up to 0.
    [InlineData(2.3283064365386963e-10, int.MaxValue, 0)]
    [InlineData(2.3283064365386963e-10, int.MinValue, 0)]
    // 0.75 * 2^-31 (below 2^-31): +-0.75 at the int32 extremes.
    [InlineData(3.4924596548080444e-10, int.MaxValue, 1)]
    [InlineData(3.4924596548080444e-10, int.MinValue, -1)]
    [InlineData(3.4924596548080444e-10, 1 << 30, 0)] // 0.375
    // Below 2^-32: the zero multiplier, and the real product is in (-0.5, 0.5) too.
    [InlineData(1.1641532182693481e-10, int.MaxValue, 0)]
    [InlineData(1.1641532182693481e-10, int.MinValue, 0)]
    public void MultipliersBelowTwoToTheMinus31(double real, int accumulator, int expected)
    {
        var m = QuantizedMultiplier.FromReal(real);
        Assert.Equal(expected, Requantizer.Requantize(accumulator, m, 0, -128, 127));
    }

    [Theory]
    [InlineData(1, 127)]
    [InlineData(-1, -128)]
    [InlineData(0, 7)] // only the zero point
    [InlineData(int.MaxValue, 127)]
    [InlineData(int.MinValue, -128)]
    public void MultipliersFromTwoToThe30SaturateEveryNonZeroAccumulator(int accumulator, int expected)
    {
        foreach (double real in new[] { Math.Pow(2, 30), 3e9, 1e20 })
        {
            var m = QuantizedMultiplier.FromReal(real);
            Assert.Equal(expected, Requantizer.Requantize(accumulator, m, 7, -128, 127));
        }
    }

    [Fact]
    public void MultiplierForUsesTheFloat32ScalesInDouble()
    {
        // 0.02f * 0.005f / 0.1f in double, from the float32 values (the worked example in docs/arithmetic.md).
        Assert.Equal(new QuantizedMultiplier(1099511562, 40), Requantizer.MultiplierFor(0.02f, 0.005f, 0.1f));
    }

    [Fact]
    public void ResultIsTheRealProductRoundedHalfUp()
    {
        // Independent characterisation with exact integers: r is the result iff
        // r - 1/2 <= acc * M / 2^s < r + 1/2, i.e. (2r - 1) 2^s <= 2 acc M < (2r + 1) 2^s.
        var gen = Gen.Select(Gen.Int, Gen.Int[1 << 30, int.MaxValue], Gen.Int[1, 62]);
        gen.Sample((acc, multiplier, shift) =>
        {
            int r = Requantizer.Requantize(acc, new QuantizedMultiplier(multiplier, shift), 0, int.MinValue, int.MaxValue);
            var twice = 2 * (BigInteger)acc * multiplier;
            var unit = BigInteger.One << shift;
            bool unclamped = twice >= (2 * (BigInteger)int.MinValue - 1) * unit && twice < (2 * (BigInteger)int.MaxValue + 1) * unit;
            return !unclamped || ((2 * (BigInteger)r - 1) * unit <= twice && twice < (2 * (BigInteger)r + 1) * unit);
        }, iter: 20000);
    }

    [Fact]
    public void QuantizedMultiplierStaysWithinHalfAStepOfTheExactRealProduct()
    {
        // The only error besides the final rounding is the multiplier's: |acc| * real * 2^-31.
        var gen = Gen.Select(Gen.Int[-1 << 24, 1 << 24], Gen.Double[-31.9, 29.0]);
        gen.Sample((acc, log2) =>
        {
            double real = Math.Pow(2, log2);
            int r = Requantizer.Requantize(acc, QuantizedMultiplier.FromReal(real), 0, int.MinValue, int.MaxValue);
            double exact = acc * real;
            return Math.Abs(exact) > 2e9 || Math.Abs(r - exact) <= 0.5 + Math.Abs(exact) * Math.Pow(2, -31) + 1e-9;
        }, iter: 20000);
    }
}

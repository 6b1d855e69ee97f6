using ModelCompiler.Arithmetic;

namespace ModelCompiler.Runtime.Tests.Arithmetic;

public sealed class QuantizedMultiplierTests
{
    [Theory]
    [InlineData(0.5, 1 << 30, 31)]
    [InlineData(1.0, 1 << 30, 30)]
    [InlineData(0.75, 1610612736, 31)] // 0.75 * 2^31
    [InlineData(1.5, 1610612736, 30)] // above 1: the shift shrinks, the multiplier keeps 31 bits
    [InlineData(1000.0, 2097152000, 21)] // 1000 = 0.9765625 * 2^10
    [InlineData(0.0625, 1 << 30, 34)] // exact power of two
    [InlineData(536870912.0, 1 << 30, 1)] // 2^29: the largest power of two kept as is
    [InlineData(4.656612873077393e-10, 1 << 30, 61)] // 2^-31
    [InlineData(2.3283064365386963e-10, 1 << 30, 62)] // 2^-32: the smallest multiplier kept as is
    public void HandComputedMultipliers(double real, int multiplier, int shift)
    {
        Assert.Equal(new QuantizedMultiplier(multiplier, shift), QuantizedMultiplier.FromReal(real));
    }

    [Fact]
    public void RoundsTheSignificandHalfUp()
    {
        // q * 2^31 = 2^30 + 0.5 rounds up; 2^30 + 0.25 rounds down.
        Assert.Equal(new QuantizedMultiplier((1 << 30) + 1, 31), QuantizedMultiplier.FromReal(0.5 + Math.Pow(2, -32)));
        Assert.Equal(new QuantizedMultiplier(1 << 30, 31), QuantizedMultiplier.FromReal(0.5 + Math.Pow(2, -33)));
    }

    [Fact]
    public void SignificandRoundingUpToTwoToThe31CarriesIntoTheExponent()
    {
        // 1 - 2^-33 = q * 2^0 with q * 2^31 = 2^31 - 0.25: rounds to 2^31, which is renormalised to 2^30 * 2^-30 = 1.
        Assert.Equal(new QuantizedMultiplier(1 << 30, 30), QuantizedMultiplier.FromReal(1 - Math.Pow(2, -33)));
    }

    [Theory]
    [InlineData(1.1641532182693481e-10)] // 2^-33
    [InlineData(1.7e-10)] // between 2^-33 and 2^-32
    [InlineData(1e-300)]
    [InlineData(double.Epsilon)] // subnormal double
    public void BelowTwoToTheMinus32IsTheZeroMultiplier(double real)
    {
        Assert.Equal(new QuantizedMultiplier(0, 62), QuantizedMultiplier.FromReal(real));
    }

    [Theory]
    [InlineData(1073741824.0)] // 2^30
    [InlineData(2147483648.0)] // 2^31
    [InlineData(1e300)]
    [InlineData(double.MaxValue)]
    public void TwoToThe30AndAboveIsClampedToTwoToThe29(double real)
    {
        Assert.Equal(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.FromReal(real));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void RejectsNonPositiveAndNonFinite(double real)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizedMultiplier.FromReal(real));
    }

    [Fact]
    public void KeptMultipliersHave31SignificantBitsAndRelativeErrorAtMostTwoToTheMinus31()
    {
        var random = new Random(20261128);
        for (int i = 0; i < 20000; i++)
        {
            double real = Math.Pow(2, random.NextDouble() * 61 - 31.9); // [2^-31.9, 2^29.1)
            var m = QuantizedMultiplier.FromReal(real);
            Assert.InRange(m.Multiplier, 1 << 30, int.MaxValue);
            Assert.InRange(m.Shift, 1, 62);
            Assert.True(Math.Abs(m.ToReal() - real) <= real * Math.Pow(2, -31), $"{real}: {m}");
        }
    }

    [Fact]
    public void ToRealIsTheFixedPointValue()
    {
        Assert.Equal(0.75, new QuantizedMultiplier(1610612736, 31).ToReal());
        Assert.Equal(0.0, new QuantizedMultiplier(0, 62).ToReal());
    }
}

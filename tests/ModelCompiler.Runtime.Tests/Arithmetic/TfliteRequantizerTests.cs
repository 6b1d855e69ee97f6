using System.Numerics;
using CsCheck;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Runtime.Tests.Arithmetic;

/// <summary>TFLite's double rounding, against vectors computed by hand (docs/arithmetic.md shows the steps).</summary>
public sealed class TfliteRequantizerTests
{
    private const int TwoTo30 = 1 << 30;

    [Theory]
    [InlineData(int.MinValue, int.MinValue, int.MaxValue)] // the one product that does not fit saturates
    [InlineData(TwoTo30, TwoTo30, 1 << 29)] // 2^60 / 2^31, exact
    [InlineData(1, TwoTo30, 1)] // 0.5: ties toward +infinity
    [InlineData(-1, TwoTo30, 0)] // -0.5 -> 0
    [InlineData(3, TwoTo30, 2)] // 1.5 -> 2
    [InlineData(-3, TwoTo30, -1)] // -1.5 -> -1
    [InlineData(-1, TwoTo30 + 1, -1)] // -0.5000000005 -> -1 (nearest, not a tie)
    [InlineData(1, TwoTo30 - 1, 0)] // 0.4999999995 -> 0
    [InlineData(int.MinValue, int.MaxValue, -2147483647)] // -2^31 * (2^31 - 1) / 2^31, exact
    [InlineData(int.MaxValue, int.MaxValue, 2147483646)] // (2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31
    [InlineData(int.MinValue, 1, -1)]
    [InlineData(0, int.MinValue, 0)]
    public void SaturatingRoundingDoublingHighMul(int a, int b, int expected)
    {
        Assert.Equal(expected, TfliteRequantizer.SaturatingRoundingDoublingHighMul(a, b));
    }

    [Theory]
    [InlineData(5, 1, 3)] // 2.5: ties away from zero
    [InlineData(-5, 1, -3)] // -2.5
    [InlineData(-3, 1, -2)] // -1.5
    [InlineData(-1, 1, -1)] // -0.5
    [InlineData(1, 1, 1)] // 0.5
    [InlineData(7, 2, 2)] // 1.75
    [InlineData(-7, 2, -2)] // -1.75
    [InlineData(6, 2, 2)] // 1.5
    [InlineData(-6, 2, -2)] // -1.5
    [InlineData(-5, 2, -1)] // -1.25
    [InlineData(123, 0, 123)]
    [InlineData(-123, 0, -123)]
    [InlineData(int.MinValue, 31, -1)]
    [InlineData(int.MaxValue, 31, 1)] // 0.99999999953
    [InlineData(TwoTo30, 31, 1)] // 0.5
    [InlineData(-TwoTo30, 31, -1)] // -0.5
    [InlineData(TwoTo30 - 1, 31, 0)]
    [InlineData(int.MinValue, 0, int.MinValue)]
    public void RoundingDivideByPOT(int x, int exponent, int expected)
    {
        Assert.Equal(expected, TfliteRequantizer.RoundingDivideByPOT(x, exponent));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(32)]
    public void RoundingDivideByPOTRejectsExponentsOutsideZeroTo31(int exponent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TfliteRequantizer.RoundingDivideByPOT(1, exponent));
    }

    [Theory]
    [InlineData(0.0, 0, 0)]
    [InlineData(0.5, TwoTo30, 0)]
    [InlineData(1.0, TwoTo30, 1)]
    [InlineData(0.25, TwoTo30, -1)]
    [InlineData(3.0, 1610612736, 2)] // 0.75 * 2^2
    [InlineData(0.0009999999403953565, 1099511562, -9)] // the worked example of docs/arithmetic.md
    [InlineData(0.50000000023283064365386962890625, TwoTo30 + 1, 0)] // q * 2^31 = 2^30 + 0.5: half away from zero
    [InlineData(0.999999999883584678173065185546875, TwoTo30, 1)] // 1 - 2^-33: q * 2^31 rounds to 2^31
    [InlineData(4.656612873077392578125E-10, TwoTo30, -30)] // 2^-31
    [InlineData(2.3283064365386962890625E-10, TwoTo30, -31)] // 2^-32, the smallest kept
    [InlineData(1.16415321826934814453125E-10, 0, 0)] // 2^-33: flushed to zero
    [InlineData(4.9406564584124654E-324, 0, 0)] // the smallest subnormal double
    [InlineData(536870912.0, TwoTo30, 30)] // 2^29, the largest power of two allowed
    public void FromRealIsTflitesQuantizeMultiplier(double real, int multiplier, int shift)
    {
        Assert.Equal(new TfliteMultiplier(multiplier, shift), TfliteMultiplier.FromReal(real));
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1073741824.0)] // 2^30
    [InlineData(1073741823.875)] // (1 - 2^-33) * 2^30 rounds to 2^30
    public void FromRealRejectsWhatTfliteCannotShift(double real)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TfliteMultiplier.FromReal(real));
    }

    [Fact]
    public void FromRealMatchesFrexpOverRandomMultipliers()
    {
        // An independent frexp: scale by powers of two until q is in [0.5, 1).
        Gen.Double[1e-12, 1e6].Sample(real =>
        {
            double q = real;
            int exponent = 0;
            while (q >= 1)
            {
                q /= 2;
                exponent++;
            }

            while (q < 0.5)
            {
                q *= 2;
                exponent--;
            }

            long m = (long)Math.Round(q * 2147483648.0, MidpointRounding.AwayFromZero);
            if (m == 1L << 31)
            {
                m = 1L << 30;
                exponent++;
            }

            var expected = exponent < -31 ? new TfliteMultiplier(0, 0) : new TfliteMultiplier((int)m, exponent);
            Assert.Equal(expected, TfliteMultiplier.FromReal(real));
        }, iter: 20_000);
    }

    [Theory]
    // M = 0.0009999999403953565 = 1099511562 * 2^(-9 - 31). The exact products are just below the half, so one rounding
    // gives the lower integer, while TFLite's first rounding lands exactly on the half (x * m / 2^31 = 255.99998 -> 256,
    // then 256 / 2^9 = 0.5) and its second rounds it away from zero.
    [InlineData(500, 1, 0)] // exact 0.49999997
    [InlineData(-500, -1, 0)] // exact -0.49999997
    [InlineData(-1500, -2, -1)] // exact -1.49999991
    [InlineData(2500, 3, 2)] // exact 2.49999985
    [InlineData(2055, 2, 2)] // the worked example: both give 2
    [InlineData(0, 0, 0)]
    public void DoubleRoundingDiffersFromSingleRoundingJustBelowHalves(int accumulator, int tflite, int single)
    {
        var tfliteMultiplier = TfliteMultiplier.FromReal(0.0009999999403953565);
        var ours = QuantizedMultiplier.FromReal(0.0009999999403953565);
        Assert.Equal(tflite, TfliteRequantizer.MultiplyByQuantizedMultiplier(accumulator, tfliteMultiplier));
        Assert.Equal(single, Requantizer.Requantize(accumulator, ours, 0, int.MinValue, int.MaxValue));
    }

    [Theory]
    [InlineData(1, TwoTo30, -1, 1)] // 0.25: SRDHM gives 0.5 -> 1, then 1 / 2 = 0.5 -> 1
    [InlineData(-1, TwoTo30, -1, 0)] // -0.25: SRDHM gives -0.5 -> 0
    [InlineData(3, TwoTo30, -1, 1)] // 0.75: SRDHM 1.5 -> 2, then 1
    [InlineData(-3, TwoTo30, -1, -1)] // -0.75: SRDHM -1.5 -> -1, then -0.5 -> -1
    [InlineData(5, TwoTo30, 1, 5)] // multiplier 1.0: left shift 1, then halve exactly
    [InlineData(7, 1610612736, 2, 21)] // 3.0: 28 * 0.75
    [InlineData(-3, 1610612736, 2, -9)]
    [InlineData(TwoTo30, TwoTo30, 2, 0)] // out of TFLite's contract: 2^30 * 4 wraps to 0 in int32, as in TFLite
    [InlineData(int.MinValue, TwoTo30, -31, -1)] // -2^31 * 2^-32 = -0.5: SRDHM -2^30, then -0.5 -> -1
    [InlineData(int.MaxValue, int.MaxValue, 0, 2147483646)] // (2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31, no right shift
    public void MultiplyByQuantizedMultiplier(int x, int multiplier, int shift, int expected)
    {
        Assert.Equal(expected, TfliteRequantizer.MultiplyByQuantizedMultiplier(x, new TfliteMultiplier(multiplier, shift)));
    }

    [Theory]
    [InlineData(500, -128, -127)]
    [InlineData(-500, 5, 4)]
    [InlineData(200000, 0, 127)] // 200 saturates at the top
    [InlineData(-200000, 0, -128)]
    [InlineData(-2000, -128, -128)] // -2 - 128 clamps
    public void RequantizeAddsTheZeroPointAndClamps(int accumulator, int zeroPoint, int expected)
    {
        var multiplier = TfliteMultiplier.FromReal(0.0009999999403953565);
        Assert.Equal(expected, TfliteRequantizer.Requantize(accumulator, multiplier, zeroPoint, -128, 127));
    }

    [Fact]
    public void SaturatingRoundingDoublingHighMulIsRoundHalfUpOfTheProduct()
    {
        // floor(a * b / 2^31 + 1/2) in exact integers, for every pair but the saturating one.
        Gen.Select(Gen.Int, Gen.Int).Sample((a, b) =>
        {
            if (a == int.MinValue && b == int.MinValue)
            {
                return;
            }

            var expected = BigFloorDivide((BigInteger)a * b * 2 + (BigInteger.One << 31), BigInteger.One << 32);
            Assert.Equal((int)expected, TfliteRequantizer.SaturatingRoundingDoublingHighMul(a, b));
        }, iter: 50_000);
    }

    [Fact]
    public void RoundingDivideByPOTIsRoundHalfAwayFromZero()
    {
        Gen.Select(Gen.Int, Gen.Int[0, 31]).Sample((x, exponent) =>
        {
            BigInteger divisor = BigInteger.One << exponent;
            BigInteger magnitude = BigFloorDivide(BigInteger.Abs(x) * 2 + divisor, divisor * 2);
            var expected = x < 0 ? -magnitude : magnitude;
            Assert.Equal((int)expected, TfliteRequantizer.RoundingDivideByPOT(x, exponent));
        }, iter: 50_000);
    }

    [Theory]
    // s_in * s_w rounded to float32 moves the multiplier by up to ~2^7 units of its 31 bits:
    // 0.0076f * 0.0425f = 0.0003230000088438392 in double, 0.00032300001475960016 in float32; divided by 0.155f in
    // double that is 0.0020838710087720735 = 1145620202 * 2^-39 vs 0.002083871046938273 = 1145620223 * 2^-39.
    [InlineData(0.0076f, 0.0425f, 0.155f, 1145620202, 1145620223, -8)]
    [InlineData(0.0135f, 0.0253f, 0.095f, 1976516889, 1976516909, -8)]
    [InlineData(0.0329f, 0.0396f, 0.028f, 1598758658, 1598758665, -4)]
    // The worked example of docs/arithmetic.md: float32 product 9.999999747378752e-05, multiplier 0.0009999999598367146.
    [InlineData(0.02f, 0.005f, 0.1f, 1099511562, 1099511584, -9)]
    public void LegacyMultiplierRoundsTheProductToFloat32First(float inputScale, float weightScale, float outputScale, int perChannel, int legacy, int shift)
    {
        Assert.Equal(new TfliteMultiplier(perChannel, shift), TfliteRequantizer.PerChannelMultiplier(inputScale, weightScale, outputScale));
        Assert.Equal(new TfliteMultiplier(legacy, shift), TfliteRequantizer.LegacyMultiplier(inputScale, weightScale, outputScale));
    }

    [Theory]
    // The vectors of DoubleRoundingDiffersFromSingleRoundingJustBelowHalves through the one-rounding form: M =
    // 0.0009999999403953565 is m = 1099511562 with the project's shift 40 (TFLite's -9), so the rounding term is
    // 2^39 + 2^30 for a non-negative product and 2^39 - 2^30 for a negative one.
    [InlineData(500, 1)] // 500 * 1099511562 = 549755781000; + 2^39 + 2^30 = 2^40 + 2^30 - 32888 -> 1
    [InlineData(-500, -1)] // -549755781000 + 2^39 - 2^30 = -1073708936, >> 40 -> -1
    [InlineData(-1500, -2)] // -1649267343000 + 549755813888 - 1073741824 = -1100585270936 < -2^40 -> -2
    [InlineData(2500, 3)] // 2748778905000 + 549755813888 + 1073741824 = 3299608460712 >= 3 * 2^40 = 3298534883328 -> 3
    [InlineData(2055, 2)]
    [InlineData(0, 0)]
    [InlineData(-1, 0)] // -1099511562 + 2^39 - 2^30 > 0 -> 0: TFLite's -0.51 -> -1 first, then -1 / 2^9 -> 0
    public void OneRoundingFormGivesTflitesResultOnTheWorkedExample(int accumulator, int expected)
    {
        var ours = QuantizedMultiplier.FromReal(0.0009999999403953565);
        Assert.Equal(new QuantizedMultiplier(1099511562, 40), ours);
        Assert.Equal(expected, TfliteRequantizer.Rescale(accumulator, ours.Multiplier, ours.Shift));
        Assert.Equal(expected, TfliteRequantizer.MultiplyByQuantizedMultiplier(accumulator, TfliteMultiplier.FromReal(0.0009999999403953565)));
    }

    [Theory]
    [InlineData(1, 1)] // M = 0.25 (2^30, shift 32): term 2^31 + 2^30; 2^30 + 2^31 + 2^30 = 2^32 -> 1 (TFLite: 0.5 -> 1, 0.5 -> 1)
    [InlineData(-1, 0)] // -2^30 + 2^31 - 2^30 = 0 -> 0 (TFLite: -0.5 -> 0)
    [InlineData(-3, -1)] // -3 * 2^30 + 2^30 = -2^31 -> -1 (TFLite: -1.5 -> -1, then -0.5 -> -1)
    [InlineData(-5, -1)] // -5 * 2^30 + 2^30 = -2^32 -> -1 (TFLite: -2.5 -> -2, then -1)
    [InlineData(6, 2)] // 1.5: 6 * 2^30 + 3 * 2^30 = 9 * 2^30 -> 2 (TFLite: 3, then 1.5 -> 2)
    public void OneRoundingFormOnAQuarter(int accumulator, int expected)
    {
        Assert.Equal(expected, TfliteRequantizer.Rescale(accumulator, 1 << 30, 32));
        Assert.Equal(expected, TfliteRequantizer.MultiplyByQuantizedMultiplier(accumulator, new TfliteMultiplier(1 << 30, -1)));
    }

    [Fact]
    public void OneRoundingFormEqualsTheTwoRoundingsForEveryMultiplierBelowOne()
    {
        // Any real in [2^-32, 1), written both ways from the same bits, on any int32 accumulator.
        Gen.Select(Gen.Double[-32, 0], Gen.Int).Sample((log2, accumulator) =>
        {
            double real = Math.Min(Math.Pow(2, log2), 0.9999999);
            var ours = QuantizedMultiplier.FromReal(real);
            var tflite = TfliteMultiplier.FromReal(real);
            Assert.Equal(31 - tflite.Shift, ours.Shift);
            Assert.Equal(TfliteRequantizer.MultiplyByQuantizedMultiplier(accumulator, tflite), TfliteRequantizer.Rescale(accumulator, ours.Multiplier, ours.Shift));
        }, iter: 200_000);
    }

    [Fact]
    public void OneRoundingFormEqualsTheTwoRoundingsAboveOneWhereTfliteDoesNotWrap()
    {
        // Multipliers in [1, 2^20): TFLite shifts left first; accumulators keep |acc * 2^left| below 2^31.
        Gen.Select(Gen.Double[0, 20], Gen.Int).Sample((log2, raw) =>
        {
            double real = Math.Pow(2, log2);
            var ours = QuantizedMultiplier.FromReal(real);
            var tflite = TfliteMultiplier.FromReal(real);
            int accumulator = raw >> (tflite.Shift + 1);
            Assert.Equal(TfliteRequantizer.MultiplyByQuantizedMultiplier(accumulator, tflite), TfliteRequantizer.Rescale(accumulator, ours.Multiplier, ours.Shift));
        }, iter: 50_000);
    }

    [Fact]
    public void AdditionWithTfliteRoundingIsTflitesAddStepByStep()
    {
        // reference_integer_ops::Add with MultiplyByQuantizedMultiplierSmallerThanOneExp at each of its three steps.
        Gen.Select(Gen.Float[0.001f, 0.1f], Gen.Float[0.001f, 0.1f], Gen.Float[0.001f, 0.2f], Gen.Int[-128, 127], Gen.Int[-128, 127]).Sample((s1, s2, sOut, q1, q2) =>
        {
            var (r1, r2, rOut) = Int8Addition.RealMultipliers(s1, s2, sOut);
            int a = TfliteRequantizer.MultiplyByQuantizedMultiplier((q1 - 3) * (1 << 20), TfliteMultiplier.FromReal(r1));
            int b = TfliteRequantizer.MultiplyByQuantizedMultiplier((q2 + 7) * (1 << 20), TfliteMultiplier.FromReal(r2));
            int expected = Math.Clamp(TfliteRequantizer.MultiplyByQuantizedMultiplier(a + b, TfliteMultiplier.FromReal(rOut)) - 5, -128, 127);
            var multipliers = Int8Addition.MultipliersFor(s1, s2, sOut);
            Assert.Equal(expected, TfliteAddition.Add(q1, 3, q2, -7, multipliers, -5, -128, 127));
        }, iter: 50_000);
    }

    private static BigInteger BigFloorDivide(BigInteger numerator, BigInteger denominator)
    {
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        return remainder.Sign < 0 ? quotient - 1 : quotient;
    }
}

using CsCheck;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Runtime.Tests.Arithmetic;

/// <summary>The int8 addition of docs/arithmetic.md ("Addition"): its worked example step by step, and its accuracy claim.</summary>
public sealed class AdditionTests
{
    private const float S1 = 0.02f, S2 = 0.003f, SOut = 0.05f;

    [Fact]
    public void WorkedExample()
    {
        // The doc's numbers, every intermediate value.
        var (r1, r2, rOut) = Int8Addition.RealMultipliers(S1, S2, SOut);
        Assert.Equal((0.5, 0.07500000232830649, 7.62939424703291e-07), (r1, r2, rOut));
        var m = Int8Addition.MultipliersFor(S1, S2, SOut);
        Assert.Equal(new QuantizedMultiplier(1 << 30, 31), m.First);
        Assert.Equal(new QuantizedMultiplier(1288490229, 34), m.Second);
        Assert.Equal(new QuantizedMultiplier(1717986854, 51), m.Output);

        int a = Requantizer.Rescale(53 << Int8Addition.LeftShift, m.First);
        int b = Requantizer.Rescale(-80 << Int8Addition.LeftShift, m.Second);
        Assert.Equal((27787264, -6291456), (a, b));
        Assert.Equal(11, Requantizer.Requantize(a + b, m.Output, -5, -128, 127));
        Assert.Equal(11, Int8Addition.Add(50, -3, -70, 10, m, -5, -128, 127));

        // The same sum with the inputs swapped: the larger scale is now the second's.
        Assert.Equal(11, Int8Addition.Add(-70, 10, 50, -3, Int8Addition.MultipliersFor(S2, S1, SOut), -5, -128, 127));
    }

    [Fact]
    public void IntermediateRoundingCanLandOnATie()
    {
        // s_out = 0.04f = 2 * 0.02f: Mout is 2^-20 exactly, so a + b = 20.5 * 2^20 is a tie, which goes up to 21
        // although the exact real sum is 20.4999998 steps.
        var m = Int8Addition.MultipliersFor(S1, S2, 0.04f);
        Assert.Equal(new QuantizedMultiplier(1 << 30, 50), m.Output);
        Assert.Equal(21 * (1 << 20) - (1 << 19), Requantizer.Rescale(53 << 20, m.First) + Requantizer.Rescale(-80 << 20, m.Second));
        Assert.Equal(16, Int8Addition.Add(50, -3, -70, 10, m, -5, -128, 127));
    }

    [Theory]
    // Unit-like scales: s1 = 0.1, s2 = 0.1, s_out = 0.05 (zp_out -128, ReLU6 top quantize(6) = 120 - 128 = -8).
    [InlineData(100, 0, -8)] // 10 + 0 = 10 > 6: clamped at -8
    [InlineData(30, 20, -28)] // 3 + 2 = 5 -> 100 steps -> -28
    [InlineData(-50, 10, -128)] // -4 -> ReLU: the zero point
    public void Relu6ClampsAtQuantizeSix(int q1, int q2, int expected)
    {
        var m = Int8Addition.MultipliersFor(0.1f, 0.1f, 0.05f);
        Assert.Equal(expected, Int8Addition.Add(q1, 0, q2, 0, m, -128, -128, -8));
    }

    [Theory]
    [InlineData(127, -128, 127, -128, 127)] // 255 + 255 steps of 1 -> saturates at 127
    [InlineData(-128, 127, -128, 127, -128)] // -255 - 255 saturates at -128
    [InlineData(5, 5, -7, -7, 3)] // both at their zero points: the output zero point
    public void ExtremesAndZeroPoints(int q1, int zp1, int q2, int zp2, int expected)
    {
        var m = Int8Addition.MultipliersFor(1f, 1f, 1f);
        Assert.Equal(expected, Int8Addition.Add(q1, zp1, q2, zp2, m, 3, -128, 127));
    }

    [Fact]
    public void ResultIsTheRoundedRealSumAwayFromHalfwayPoints()
    {
        // docs/arithmetic.md: the output is the real sum rounded to the nearest output step (ties up), except within
        // twiceMax / s_out * 2^-20 steps of a half-way point. Scales over twelve binary orders of magnitude, so the
        // ratio of the input scales is far above and far below 1.
        var scale = Gen.Int[-6, 6].Select(Gen.Float[1f, 2f], (e, f) => f * MathF.Pow(2, e));
        Gen.Select(scale, scale, scale, Gen.Int[-128, 127], Gen.Int[-128, 127], Gen.Int[-128, 127], Gen.Int[-128, 127])
            .Select(Gen.Int[-128, 127], (t, zpOut) => (t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7, zpOut))
            .Sample(c =>
            {
                var (s1, s2, sOut, q1, zp1, q2, zp2, zpOut) = c;
                var m = Int8Addition.MultipliersFor(s1, s2, sOut);
                int y = Int8Addition.Add(q1, zp1, q2, zp2, m, zpOut, -128, 127);
                double exact = (((double)s1 * (q1 - zp1)) + ((double)s2 * (q2 - zp2))) / sOut;
                double margin = 2.0 * Math.Max(s1, s2) / sOut * Math.Pow(2, -20) + (Math.Abs(exact) * Math.Pow(2, -29)) + 1e-9;
                double floor = Math.Floor(exact);
                double distanceToHalf = Math.Abs(exact - (floor + 0.5));
                int expected = Math.Clamp((int)Math.Floor(exact + 0.5) + zpOut, -128, 127);
                if (distanceToHalf > margin)
                {
                    Assert.Equal(expected, y);
                }
                else
                {
                    Assert.InRange(y, Math.Clamp((int)floor + zpOut, -128, 127), Math.Clamp((int)floor + 1 + zpOut, -128, 127));
                }
            }, iter: 20000);
    }
}

using ModelCompiler.Arithmetic;

namespace ModelCompiler.Runtime.Tests.Arithmetic;

public sealed class HalfConversionTests
{
    [Fact]
    public void EveryHalfWidensLikeSystemHalfAndRoundTrips()
    {
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            ushort h = (ushort)bits;
            float ours = HalfConversion.ToSingle(h);
            float system = (float)BitConverter.UInt16BitsToHalf(h);
            if (float.IsNaN(system))
            {
                Assert.True(float.IsNaN(ours), $"0x{bits:X4}");
                Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(HalfConversion.FromSingle(ours))), $"0x{bits:X4}");
                continue;
            }

            Assert.Equal(BitConverter.SingleToInt32Bits(system), BitConverter.SingleToInt32Bits(ours));
            Assert.Equal(h, HalfConversion.FromSingle(ours));
        }
    }

    [Fact]
    public void NarrowingMatchesSystemHalfAtEveryRoundingBoundary()
    {
        // For each pair of adjacent finite halves: the midpoint (a tie) and the floats one ulp either side of it.
        for (int bits = 0; bits < 0x7C00; bits++)
        {
            double low = (double)HalfConversion.ToSingle((ushort)bits);
            double high = bits == 0x7BFF ? 65536.0 : (double)HalfConversion.ToSingle((ushort)(bits + 1));
            float middle = (float)((low + high) / 2); // exact: a half midpoint has at most 12 significant bits
            foreach (float x in new[] { middle, MathF.BitDecrement(middle), MathF.BitIncrement(middle) })
            {
                AssertSameAsSystemHalf(x);
                AssertSameAsSystemHalf(-x);
            }
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void NarrowingMatchesSystemHalfOnRandomFloats()
    {
        var random = new Random(16);
        for (int i = 0; i < 1_000_000; i++)
        {
            AssertSameAsSystemHalf(BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31)));
        }
    }

    [Theory]
    [InlineData(1.00048828125f, 0x3C00)] // 1 + 2^-11: tie between 1 and 1 + 2^-10, even is 1
    [InlineData(1.00146484375f, 0x3C02)] // 1 + 3 * 2^-11: tie, even is 1 + 2^-9
    [InlineData(1.0004884f, 0x3C01)] // one float32 ulp above the tie
    [InlineData(65504f, 0x7BFF)] // largest half
    [InlineData(65519.996f, 0x7BFF)] // just below the tie with 65536
    [InlineData(65520f, 0x7C00)] // tie with 2^16: even is infinity
    [InlineData(1e6f, 0x7C00)]
    [InlineData(-1e6f, 0xFC00)]
    [InlineData(float.PositiveInfinity, 0x7C00)]
    [InlineData(float.NegativeInfinity, 0xFC00)]
    [InlineData(5.9604645e-8f, 0x0001)] // 2^-24, the smallest subnormal
    [InlineData(2.9802322e-8f, 0x0000)] // 2^-25: tie between 0 and 2^-24, even is 0
    [InlineData(2.9802326e-8f, 0x0001)] // just above 2^-25
    [InlineData(8.940697e-8f, 0x0002)] // 3 * 2^-25: tie between 1 and 2 subnormal units, even is 2
    [InlineData(6.0975552e-5f, 0x03FF)] // 2^-14 - 2^-24, the largest subnormal
    [InlineData(6.1035156e-5f, 0x0400)] // 2^-14, the smallest normal
    [InlineData(1e-40f, 0x0000)] // float32 subnormal
    [InlineData(-1e-40f, 0x8000)]
    [InlineData(-0f, 0x8000)]
    public void HandPickedNarrowing(float x, int expected)
    {
        Assert.Equal((ushort)expected, HalfConversion.FromSingle(x));
    }

    [Fact]
    public void NaNStaysNaN()
    {
        Assert.True(float.IsNaN(HalfConversion.ToSingle(HalfConversion.FromSingle(float.NaN))));
    }

    private static void AssertSameAsSystemHalf(float x)
    {
        ushort expected = BitConverter.HalfToUInt16Bits((Half)x);
        ushort actual = HalfConversion.FromSingle(x);
        Assert.True(expected == actual, $"{x:R} (0x{BitConverter.SingleToInt32Bits(x):X8}): System.Half 0x{expected:X4}, ours 0x{actual:X4}");
    }
}

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The AVX2 pointwise kernel's two layouts: <see cref="KernelLibrary.WidenFlipped"/> widens every int8 q to q + 128 (the
/// vector part and the one-by-one tail, -128 and 127 included), and <see cref="KernelLibrary.WidenChannelPairs"/> /
/// <see cref="KernelLibrary.ReorderChannelPairs"/> put each packed weight where the kernel's vpmaddwd reads it
/// (vector 2 * pair + half, lane channel % 8, element byte % 2).
/// </summary>
public sealed class PointwiseWideningTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(53)]
    public void WidenFlippedAdds128ToEveryValue(int count)
    {
        var source = new sbyte[count + 1];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = unchecked((sbyte)((i * 97) + 127));
        }

        var target = new short[count + 1];
        target[count] = -7;
        KernelLibrary.WidenFlipped(ref source[0], ref target[0], count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(source[i] + 128, target[i]);
        }

        Assert.Equal(-7, target[count]); // nothing written past count
    }

    [Fact]
    public void ChannelPairsHoldEachChannelsPairInOrder()
    {
        // Two blocks of two groups: packed [block][group][16 channels][4 bytes], each weight naming its place.
        const int count = 2 * 2 * 64;
        var packed = new sbyte[count];
        var random = new Random(5);
        for (int i = 0; i < count; i++)
        {
            packed[i] = (sbyte)random.Next(-128, 128);
        }

        var data = new char[count / 2];
        Buffer.BlockCopy(packed, 0, data, 0, count);
        short[] wide = KernelLibrary.WidenChannelPairs(data, count);
        sbyte[] bytes = KernelLibrary.ReorderChannelPairs(data, count);
        for (int group = 0; group < count; group += 64)
        {
            for (int channel = 0; channel < 16; channel++)
            {
                for (int b = 0; b < 4; b++)
                {
                    int at = group + (16 * ((2 * (b / 2)) + (channel / 8))) + (2 * (channel % 8)) + (b % 2);
                    Assert.Equal(packed[group + (4 * channel) + b], wide[at]);
                    Assert.Equal(packed[group + (4 * channel) + b], bytes[at]);
                }
            }
        }
    }
}

namespace ModelCompiler.Imaging.Tests;

/// <summary>
/// The PNG inflate check must know each layout's exact raw size (scanlines with filter bytes, per Adam7 pass when
/// interlaced): too small refuses good files, too large lets bombs grow. Every colour type, bit depth and
/// interlacing, at sizes that leave partial passes and partial bytes, must decode to its samples.
/// </summary>
public sealed class PngLayoutTests
{
    public static TheoryData<int, int, bool> Layouts()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var (colour, depths) in new[] { (0, new[] { 1, 2, 4, 8, 16 }), (2, new[] { 8, 16 }), (3, new[] { 1, 2, 4, 8 }), (4, new[] { 8, 16 }), (6, new[] { 8, 16 }) })
        {
            foreach (int depth in depths)
            {
                data.Add(colour, depth, false);
                data.Add(colour, depth, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryLayoutDecodesToItsSamples(int colour, int depth, bool interlaced)
    {
        foreach (var (width, height) in new[] { (1, 1), (3, 2), (13, 11), (64, 9) })
        {
            int max = (1 << depth) - 1;
            int Sample(int x, int y, int c) => ((x * 7) + (y * 13) + (c * 29)) % (max + 1);
            byte[] png = TestImages.Png(width, height, colour, depth, interlaced, Sample);
            var image = ImageFile.Decode(png, "layout.png", 4);
            Assert.Equal((width, height, (string?)null), (image.Width, image.Height, image.Warning));

            // The first sample (grey, red, or palette index) scaled to 8 bits, as stb_image reports it.
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int expected = depth == 16 ? Sample(x, y, 0) >> 8 : Sample(x, y, 0) * 255 / max;
                    Assert.Equal(expected, image.Pixels[((y * width) + x) * 4]);
                }
            }
        }
    }

    [Fact]
    public void OneByteOfDataMoreThanTheHeaderNeedsIsRefused()
    {
        var exact = TestImages.PngWithData(10, 10, inflated: 10 * 31);
        Assert.Equal(10, ImageFile.Decode(exact, "exact.png", 3).Width);
        var more = TestImages.PngWithData(10, 10, inflated: (10 * 31) + 1);
        Assert.Equal(ImageProblem.DataLargerThanHeader, Assert.Throws<ImageFileException>(() => ImageFile.Decode(more, "more.png", 3)).Problem);
        var less = TestImages.PngWithData(10, 10, inflated: (10 * 31) - 1);
        Assert.Equal(ImageProblem.Corrupt, Assert.Throws<ImageFileException>(() => ImageFile.Decode(less, "less.png", 3)).Problem);
    }
}

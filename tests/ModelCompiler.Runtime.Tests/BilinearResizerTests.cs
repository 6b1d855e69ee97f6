using ModelCompiler.Imaging;

namespace ModelCompiler.Runtime.Tests;

public sealed class BilinearResizerTests
{
    [Fact]
    public void UpscalesWithHalfPixelCentres()
    {
        // 1x2 grey image [0, 100] to 1x4: output centres map to source x = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
        byte[] result = BilinearResizer.Resize([0, 100], 1, 2, 1, 1, 4);
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, result);
    }

    [Fact]
    public void DownscaleAveragesNeighbours()
    {
        // 2x2 to 1x1 samples the centre (0.5, 0.5): the mean of the four pixels, per channel.
        byte[] source = [10, 200, 30, 100, 50, 0, 70, 20];
        byte[] result = BilinearResizer.Resize(source, 2, 2, 2, 1, 1);
        Assert.Equal(new byte[] { 40, 80 }, result);
    }

    [Fact]
    public void SameSizeIsACopyAndBadLengthsAreRejected()
    {
        byte[] source = [1, 2, 3, 4, 5, 6];
        Assert.Equal(source, BilinearResizer.Resize(source, 1, 2, 3, 1, 2));
        var error = Assert.Throws<ArgumentException>(() => BilinearResizer.Resize(source, 2, 2, 3, 1, 1));
        Assert.Contains("expected 12", error.Message);
    }
}

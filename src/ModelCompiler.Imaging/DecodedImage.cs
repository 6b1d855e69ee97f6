namespace ModelCompiler.Imaging;

/// <summary>
/// An opened image: 8-bit pixels, interleaved (height x width x channels, rows top to bottom), and a warning when
/// the file was truncated and <see cref="ImageReadOptions.AllowTruncated"/> let it through.
/// </summary>
public sealed class DecodedImage(ImageFormat format, int width, int height, int channels, byte[] pixels, string? warning)
{
    /// <summary>The format the file's content turned out to be.</summary>
    public ImageFormat Format { get; } = format;

    /// <summary>Width in pixels.</summary>
    public int Width { get; } = width;

    /// <summary>Height in pixels.</summary>
    public int Height { get; } = height;

    /// <summary>Channels per pixel, as requested: 1 grey, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; } = channels;

    /// <summary>Height x width x channels bytes.</summary>
    public byte[] Pixels { get; } = pixels;

    /// <summary>Why the pixels may be incomplete (a truncated file), or null.</summary>
    public string? Warning { get; } = warning;

    /// <summary>The image resized bilinearly into <paramref name="destination"/> (height x width x <see cref="Channels"/>).</summary>
    public void ResizeTo(Span<byte> destination, int destinationHeight, int destinationWidth) =>
        BilinearResizer.Resize(Pixels, Height, Width, Channels, destination, destinationHeight, destinationWidth);

    /// <summary>The image resized bilinearly to <paramref name="destinationHeight"/> x <paramref name="destinationWidth"/>.</summary>
    public byte[] Resize(int destinationHeight, int destinationWidth) =>
        BilinearResizer.Resize(Pixels, Height, Width, Channels, destinationHeight, destinationWidth);
}

namespace ModelCompiler.Imaging;

/// <summary>
/// What a format's structural check found before decoding: the size the header declares, and why the file is
/// truncated (null when it is complete). Corrupt structure is thrown as <see cref="InvalidImageException"/>.
/// </summary>
internal readonly record struct ImageHeader(ImageFormat Format, int Width, int Height, string? Truncation)
{
    public long Pixels => (long)Width * Height;
}

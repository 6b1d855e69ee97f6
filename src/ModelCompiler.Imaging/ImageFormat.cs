namespace ModelCompiler.Imaging;

/// <summary>The formats <see cref="ImageFile"/> opens, recognised by their first bytes, never by the file name.</summary>
public enum ImageFormat
{
    /// <summary>PNG: 1-16 bit grey, grey + alpha, RGB, RGBA, palette; interlaced or not.</summary>
    Png,

    /// <summary>JPEG: baseline and progressive (what stb_image decodes; not arithmetic-coded or lossless).</summary>
    Jpeg,

    /// <summary>BMP: uncompressed or bit fields, 1-32 bits a pixel (no RLE).</summary>
    Bmp,

    /// <summary>GIF: the first frame.</summary>
    Gif,
}

/// <summary>Recognising a format, and the file extensions folder walks pick up.</summary>
public static class ImageFormats
{
    /// <summary>Extensions (lower case, with the dot) of the files a folder walk treats as images.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif" };

    /// <summary>Whether a folder walk picks up <paramref name="path"/> (by its extension, any case).</summary>
    public static bool HasImageExtension(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>The format the data's signature names, or null (TGA, PSD, HDR and others have no check here and are refused).</summary>
    public static ImageFormat? Detect(ReadOnlySpan<byte> data) => data switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => ImageFormat.Png,
        [0xFF, 0xD8, ..] => ImageFormat.Jpeg,
        [(byte)'B', (byte)'M', ..] => ImageFormat.Bmp,
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => ImageFormat.Gif,
        _ => null,
    };

    internal static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Png => "PNG",
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Bmp => "BMP",
        _ => "GIF",
    };
}

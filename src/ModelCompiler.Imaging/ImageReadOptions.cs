namespace ModelCompiler.Imaging;

/// <summary>
/// Limits and choices for opening an image a user named (docs/limits.md). The limits are checked from the file's size
/// and its header before anything is decoded, so an image over them costs neither time nor memory.
/// </summary>
public sealed record ImageReadOptions
{
    /// <summary>128 MiB: a 32-megapixel photo is a few MB as JPEG and under 100 MB as PNG.</summary>
    public const long DefaultMaxFileBytes = 128L << 20;

    /// <summary>
    /// 2^25 = 33,554,432 pixels (8192 x 4096, or a 6,700 x 5,000 photo). Decoding one 8-bit image of this size to RGB
    /// peaked at 240-330 MB of resident memory (docs/limits.md); 16-bit PNGs need more.
    /// </summary>
    public const long DefaultMaxPixels = 1L << 25;

    /// <summary>The defaults: 128 MiB, 33,554,432 pixels, truncated images refused.</summary>
    public static ImageReadOptions Default { get; } = new();

    /// <summary>Largest file read, in bytes; a larger one is <see cref="ImageProblem.FileTooLarge"/>.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Largest width x height the header may declare; more is <see cref="ImageProblem.TooManyPixels"/>.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>
    /// False (the default): a truncated image is <see cref="ImageProblem.Truncated"/>. True: it is decoded as far as
    /// its data goes (the rest is what the decoder makes of missing data, usually grey or black) and
    /// <see cref="DecodedImage.Warning"/> says so.
    /// </summary>
    public bool AllowTruncated { get; init; }
}

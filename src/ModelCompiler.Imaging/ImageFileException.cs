using ModelCompiler.IO;

namespace ModelCompiler.Imaging;

/// <summary>Why an image could not be used.</summary>
public enum ImageProblem
{
    /// <summary>Missing, a folder, a link loop, no permission, or another input/output error.</summary>
    Unreadable,
    /// <summary>The file is larger than <see cref="ImageReadOptions.MaxFileBytes"/> (or never ends, like a device).</summary>
    FileTooLarge,
    /// <summary>Not a PNG, JPEG, BMP or GIF by its content (whatever its extension).</summary>
    UnsupportedFormat,
    /// <summary>The header declares more pixels than <see cref="ImageReadOptions.MaxPixels"/>.</summary>
    TooManyPixels,
    /// <summary>The file ends before its image does (and <see cref="ImageReadOptions.AllowTruncated"/> is off, or nothing could be decoded).</summary>
    Truncated,
    /// <summary>Compressed data that expands to more than the header's size needs (a decompression bomb).</summary>
    DataLargerThanHeader,
    /// <summary>Invalid structure or data; the reason says what the check or the decoder found.</summary>
    Corrupt,
}

/// <summary>
/// The one exception <see cref="ImageFile"/> throws: an image could not be used. The message is one line,
/// <c>path: reason</c>, with control characters escaped (<see cref="NamedFileException"/>).
/// </summary>
public sealed class ImageFileException(string path, ImageProblem problem, string reason, Exception? innerException = null)
    : NamedFileException(path, reason, innerException)
{
    /// <summary>The kind of failure, for callers that count or hint (e.g. which limit to raise).</summary>
    public ImageProblem Problem { get; } = problem;
}

/// <summary>What the header checks throw before the path is known; <see cref="ImageFile"/> turns it into <see cref="ImageFileException"/>.</summary>
internal sealed class InvalidImageException(ImageProblem problem, string reason) : Exception(reason)
{
    /// <summary>The kind of failure, for callers that count or hint (e.g. which limit to raise).</summary>
    public ImageProblem Problem { get; } = problem;
}

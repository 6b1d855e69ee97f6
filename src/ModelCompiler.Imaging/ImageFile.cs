using System.Globalization;
using ModelCompiler.IO;
using StbImageSharp;

namespace ModelCompiler.Imaging;

/// <summary>
/// The one way the trainer, the samples and the command lines open an image a user named. In order: the file is read
/// with a size limit (<see cref="UserFile"/>); its format is recognised from its first bytes (PNG, JPEG, BMP, GIF);
/// its structure is walked without decoding (JPEG markers, PNG chunks, BMP headers) for the declared size and for
/// truncation; the pixel count is checked against the limit; a PNG's compressed data is inflated once, discarded, to
/// check it is no longer than its header needs; only then StbImageSharp decodes, from a stream that stops every loop
/// that would read past the end (<see cref="GuardedStream"/>). Every failure is one <see cref="ImageFileException"/>.
/// </summary>
public static class ImageFile
{
    /// <summary>Bytes the decoder may read past the end of a truncated file, per pixel (plus a constant), before it is stopped.</summary>
    private const long PastEndBytesPerPixel = 8, PastEndSlack = 64 * 1024;

    /// <summary>
    /// Most pixels decodable whatever <see cref="ImageReadOptions.MaxPixels"/> says: a 16-bit RGBA PNG's inflated rows
    /// (8 bytes a pixel) and the decoded result must each fit one .NET array.
    /// </summary>
    public const long DecoderMaxPixels = int.MaxValue / 8;

    /// <summary>Opens the image at <paramref name="path"/> as <paramref name="channels"/> channels (1 grey, 3 RGB, 4 RGBA).</summary>
    /// <exception cref="ImageFileException">Any reason the file cannot be used; nothing else escapes.</exception>
    public static DecodedImage Read(string path, int channels, ImageReadOptions? options = null)
    {
        options ??= ImageReadOptions.Default;
        byte[] data;
        try
        {
            data = UserFile.ReadAllBytes(path, options.MaxFileBytes, "an image");
        }
        catch (UserFileException e)
        {
            throw new ImageFileException(path, e.Problem == UserFileProblem.TooLarge ? ImageProblem.FileTooLarge : ImageProblem.Unreadable, e.Reason, e);
        }

        return Decode(data, path, channels, options);
    }

    /// <summary>As <see cref="Read"/>, for bytes already in memory; <paramref name="name"/> names them in errors.</summary>
    /// <exception cref="ImageFileException">Any reason the data cannot be used; nothing else escapes.</exception>
    public static DecodedImage Decode(byte[] data, string name, int channels, ImageReadOptions? options = null)
    {
        options ??= ImageReadOptions.Default;
        var components = channels switch
        {
            1 => ColorComponents.Grey,
            3 => ColorComponents.RedGreenBlue,
            4 => ColorComponents.RedGreenBlueAlpha,
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "1, 3 or 4 channels"),
        };
        try
        {
            if (data.Length > options.MaxFileBytes)
            {
                throw new InvalidImageException(ImageProblem.FileTooLarge, $"is {UserFile.Bytes(data.Length)}, over the limit of {UserFile.Bytes(options.MaxFileBytes)} for an image");
            }

            var format = ImageFormats.Detect(data) ?? throw new InvalidImageException(
                ImageProblem.UnsupportedFormat, data.Length == 0 ? "is empty, not an image" : $"is not a PNG, JPEG, BMP or GIF image (it starts with {Signature(data)})");
            PngStructure.Layout? png = format == ImageFormat.Png ? PngStructure.Read(data) : null;
            var header = png?.Header ?? format switch
            {
                ImageFormat.Jpeg => JpegStructure.Read(data),
                ImageFormat.Bmp => BmpStructure.Read(data),
                _ => GifStructure.Read(data),
            };
            string formatName = ImageFormats.Name(format);
            if (header.Pixels > Math.Min(options.MaxPixels, DecoderMaxPixels))
            {
                throw new InvalidImageException(ImageProblem.TooManyPixels, $"{formatName} of {header.Width} x {header.Height} = {N(header.Pixels)} pixels, " + (header.Pixels > options.MaxPixels
                    ? $"over the limit of {N(options.MaxPixels)} pixels"
                    : $"more than the decoder can hold ({N(DecoderMaxPixels)})"));
            }

            if (header.Truncation is { } cut && !options.AllowTruncated)
            {
                throw new InvalidImageException(ImageProblem.Truncated, $"truncated {formatName}: {cut}");
            }

            byte[] decodable = png is null ? data : CheckPngData(data, png, formatName);
            var stream = new GuardedStream(decodable, (header.Pixels * PastEndBytesPerPixel) + PastEndSlack);
            var image = DecodeWithStb(stream, components, formatName);
            if (stream.ReadPastEnd && !options.AllowTruncated)
            {
                throw new InvalidImageException(ImageProblem.Truncated, $"truncated {formatName}: the decoder needed data past the end of the file");
            }

            if (image.Width != header.Width || image.Height != header.Height)
            {
                throw new InvalidImageException(ImageProblem.Corrupt, $"corrupt {formatName}: decoded {image.Width} x {image.Height} pixels, the header says {header.Width} x {header.Height}");
            }

            string? warning = header.Truncation is { } truncation ? $"truncated {formatName}: {truncation}; used as far as its data goes"
                : stream.ReadPastEnd ? $"truncated {formatName}: the decoder needed data past the end of the file; used as far as its data goes"
                : null;
            return new DecodedImage(format, image.Width, image.Height, channels, image.Data, warning);
        }
        catch (InvalidImageException e)
        {
            throw new ImageFileException(name, e.Problem, e.Message, e);
        }
    }

    /// <summary>Reads the image and resizes it bilinearly to the model's input size: what a classifier needs.</summary>
    /// <exception cref="ImageFileException">Any reason the file cannot be used.</exception>
    public static DecodedImage ReadResized(string path, int height, int width, int channels, ImageReadOptions? options = null)
    {
        var image = Read(path, channels, options);
        return new DecodedImage(image.Format, width, height, channels, image.Resize(height, width), image.Warning);
    }

    /// <summary>
    /// Inflates the PNG's data once to check its length against the header; returns the bytes to decode: the file,
    /// or for a truncated one (when allowed) the file rebuilt around the rows it holds.
    /// </summary>
    private static byte[] CheckPngData(byte[] data, PngStructure.Layout png, string formatName)
    {
        bool truncated = png.Header.Truncation is not null;
        byte[]? raw = truncated ? new byte[png.RawLength] : null;
        long inflated = PngStructure.InflatedLength(data, png, raw);
        if (inflated > png.RawLength)
        {
            throw new InvalidImageException(ImageProblem.DataLargerThanHeader,
                $"{formatName} image data inflates to more than the {UserFile.Bytes(png.RawLength)} its {png.Header.Width} x {png.Header.Height} header needs (a decompression bomb?)");
        }

        if (truncated)
        {
            return PngStructure.Repair(data, png, raw!);
        }

        if (inflated < png.RawLength)
        {
            throw new InvalidImageException(ImageProblem.Corrupt, $"corrupt {formatName}: image data inflates to {UserFile.Bytes(inflated)}, its header needs {UserFile.Bytes(png.RawLength)}");
        }

        return data;
    }

    private static ImageResult DecodeWithStb(GuardedStream stream, ColorComponents components, string formatName)
    {
        try
        {
            return ImageResult.FromStream(stream, components);
        }
        catch (InvalidImageException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // stb_image reports through one static string shared by all threads, so the reason is best effort.
            string reason = e is InvalidOperationException && !string.IsNullOrEmpty(e.Message) ? e.Message : $"{e.GetType().Name}: {e.Message}";
            throw new InvalidImageException(stream.ReadPastEnd ? ImageProblem.Truncated : ImageProblem.Corrupt,
                $"{(stream.ReadPastEnd ? "truncated" : "corrupt")} {formatName}: the decoder failed ({reason})");
        }
    }

    private static string Signature(byte[] data) =>
        string.Join(' ', data.Take(8).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

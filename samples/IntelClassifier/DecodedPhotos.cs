using System.Diagnostics;
using ModelCompiler.Format;
using ModelCompiler.Imaging;

namespace ModelCompiler.Samples.Intel;

/// <summary>Photos decoded to the model's input, one after another in one array; files that cannot be used are listed with the reason.</summary>
internal sealed class DecodedPhotos
{
    private readonly byte[] pixels;

    private DecodedPhotos(byte[] pixels, List<LabelledPhoto> photos, List<string> failures, TimeSpan decodeTime)
    {
        this.pixels = pixels;
        Photos = photos;
        Failures = failures;
        DecodeTime = decodeTime;
    }

    /// <summary>The photos that decoded, in order.</summary>
    public List<LabelledPhoto> Photos { get; }

    /// <summary>"path: reason" for each photo that could not be used (escaped for the terminal).</summary>
    public List<string> Failures { get; }

    /// <summary>"path: warning" for photos used with a warning (e.g. truncated, with --allow-truncated).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Time spent decoding and resizing (one thread).</summary>
    public TimeSpan DecodeTime { get; }

    public int Count => Photos.Count;

    public ReadOnlySpan<byte> Image(int index) => pixels.AsSpan(index * IntelClassifier.InputLength, IntelClassifier.InputLength);

    public static DecodedPhotos Load(IReadOnlyList<LabelledPhoto> photos, ImageReadOptions limits)
    {
        var pixels = new byte[photos.Count * IntelClassifier.InputLength];
        var decoded = new List<LabelledPhoto>(photos.Count);
        var failures = new List<string>();
        var warnings = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var photo in photos)
        {
            try
            {
                var destination = pixels.AsSpan(decoded.Count * IntelClassifier.InputLength, IntelClassifier.InputLength);
                if (PhotoFile.Load(photo.Path, destination, IntelClassifier.InputHeight, IntelClassifier.InputWidth, limits) is { } warning)
                {
                    warnings.Add($"{TerminalText.Escape(photo.Path)}: {warning}");
                }

                decoded.Add(photo);
            }
            catch (ImageFileException e)
            {
                failures.Add(e.Message);
            }
        }

        var result = new DecodedPhotos(pixels, decoded, failures, clock.Elapsed);
        result.Warnings.AddRange(warnings);
        return result;
    }
}

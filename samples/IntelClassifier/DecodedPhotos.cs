using System.Diagnostics;
using ModelCompiler.Format;
using ModelCompiler.Imaging;

namespace ModelCompiler.Samples.Intel;

/// <summary>Photos decoded to the model's input, one after another in one array; files that cannot be used are listed with the reason.</summary>
internal sealed class DecodedPhotos
{
    private readonly byte[] pixels;
    private readonly int inputLength;

    private DecodedPhotos(byte[] pixels, int inputLength, List<LabelledPhoto> photos, List<string> failures, TimeSpan decodeTime)
    {
        this.pixels = pixels;
        this.inputLength = inputLength;
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

    public ReadOnlySpan<byte> Image(int index) => pixels.AsSpan(index * inputLength, inputLength);

    public static DecodedPhotos Load(IReadOnlyList<LabelledPhoto> photos, SceneModel model, ImageReadOptions limits)
    {
        var pixels = new byte[photos.Count * model.InputLength];
        var decoded = new List<LabelledPhoto>(photos.Count);
        var failures = new List<string>();
        var warnings = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var photo in photos)
        {
            try
            {
                var destination = pixels.AsSpan(decoded.Count * model.InputLength, model.InputLength);
                if (PhotoFile.Load(photo.Path, destination, model.InputHeight, model.InputWidth, limits) is { } warning)
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

        var result = new DecodedPhotos(pixels, model.InputLength, decoded, failures, clock.Elapsed);
        result.Warnings.AddRange(warnings);
        return result;
    }
}

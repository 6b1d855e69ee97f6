using System.Diagnostics;

namespace ModelCompiler.Samples.Intel;

/// <summary>Photos decoded to the model's input, one after another in one array; files that do not decode are listed with the reason.</summary>
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

    /// <summary>"path: reason" for each photo that did not decode.</summary>
    public List<string> Failures { get; }

    /// <summary>Time spent decoding and resizing (one thread).</summary>
    public TimeSpan DecodeTime { get; }

    public int Count => Photos.Count;

    public ReadOnlySpan<byte> Image(int index) => pixels.AsSpan(index * IntelClassifier.InputLength, IntelClassifier.InputLength);

    public static DecodedPhotos Load(IReadOnlyList<LabelledPhoto> photos)
    {
        var pixels = new byte[photos.Count * IntelClassifier.InputLength];
        var decoded = new List<LabelledPhoto>(photos.Count);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var photo in photos)
        {
            try
            {
                PhotoFile.Load(photo.Path, pixels.AsSpan(decoded.Count * IntelClassifier.InputLength, IntelClassifier.InputLength), IntelClassifier.InputHeight, IntelClassifier.InputWidth);
                decoded.Add(photo);
            }
            catch (InvalidDataException e)
            {
                failures.Add(e.Message);
            }
        }

        return new DecodedPhotos(pixels, decoded, failures, clock.Elapsed);
    }
}

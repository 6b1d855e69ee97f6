using ModelCompiler.Imaging;
using StbImageSharp;

namespace ModelCompiler.Samples.Intel;

/// <summary>
/// The seed's last step: classify scene photos (files, or a folder such as Kaggle's seg_pred) with the int8
/// model compiled in from intel.qmodel. The generated <see cref="IntelClassifier"/> does all the work.
/// </summary>
internal static class Program
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: intel-classifier <image or folder>...");
            Console.WriteLine($"Classifies {IntelClassifier.InputHeight}x{IntelClassifier.InputWidth} RGB scenes as: {string.Join(", ", IntelClassifier.Labels)}.");
            return args.Length == 0 ? 2 : 0;
        }

        int failures = 0;
        var pixels = new byte[IntelClassifier.InputLength];
        foreach (string path in args.SelectMany(Expand))
        {
            try
            {
                Decode(path, pixels);
                Console.WriteLine($"{path}: {IntelClassifier.PredictLabel(pixels)}");
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine($"skipped {e.Message}");
                failures++;
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static IEnumerable<string> Expand(string path)
    {
        if (!Directory.Exists(path))
        {
            return [path];
        }

        return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal);
    }

    private static void Decode(string path, Span<byte> destination)
    {
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        }
        catch (Exception e)
        {
            throw new InvalidDataException($"{path}: not a readable PNG or JPEG image ({e.Message})", e);
        }

        BilinearResizer.Resize(image.Data, image.Height, image.Width, 3, destination, IntelClassifier.InputHeight, IntelClassifier.InputWidth);
    }
}

using ModelCompiler.Imaging;
using StbImageSharp;

namespace ModelCompiler.Samples.Intel;

/// <summary>
/// The one place the sample opens images and walks folders: decode a PNG or JPEG, convert to RGB and resize it
/// bilinearly to the model's input (the trainer's resizer, so the app sees what training saw).
/// </summary>
internal static class PhotoFile
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    /// <summary>Decodes <paramref name="path"/> into <paramref name="destination"/> (height x width x 3 RGB bytes).</summary>
    /// <exception cref="InvalidDataException">The file is not a readable image; the message names it.</exception>
    public static void Load(string path, Span<byte> destination, int height, int width)
    {
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a readable PNG or JPEG image ({e.Message})", e);
        }

        BilinearResizer.Resize(image.Data, image.Height, image.Width, 3, destination, height, width);
    }

    /// <summary>The image files under <paramref name="path"/> (recursively, in ordinal order), or the path itself when it is a file.</summary>
    public static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
            : [path];
}

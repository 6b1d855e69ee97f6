using ModelCompiler.Imaging;
using StbImageSharp;

namespace ModelCompiler.Samples.Fashion;

/// <summary>Decodes a PNG or JPEG into the model's input: grey, resized to the model's size.</summary>
internal static class ImageFile
{
    public static byte[] LoadGrey(string path, int height, int width)
    {
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.Grey);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: not a readable PNG or JPEG image ({e.Message})", e);
        }

        return BilinearResizer.Resize(image.Data, image.Height, image.Width, 1, height, width);
    }
}

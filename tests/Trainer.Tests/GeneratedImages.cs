using StbImageWriteSharp;

namespace ModelCompiler.Trainer.Tests;

/// <summary>Writes small JPEG and PNG files for the folder-loader tests.</summary>
public static class GeneratedImages
{
    public static void WritePng(string path, byte[] rgb, int width, int height)
    {
        using var stream = File.Create(path);
        new ImageWriter().WritePng(rgb, width, height, ColorComponents.RedGreenBlue, stream);
    }

    public static void WriteJpeg(string path, byte[] rgb, int width, int height)
    {
        using var stream = File.Create(path);
        new ImageWriter().WriteJpg(rgb, width, height, ColorComponents.RedGreenBlue, stream, 90);
    }

    /// <summary>A solid-colour image with a little seeded noise.</summary>
    public static byte[] Solid(int width, int height, (int R, int G, int B) colour, Random random)
    {
        var pixels = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++)
        {
            pixels[i * 3] = (byte)Math.Clamp(colour.R + random.Next(-10, 11), 0, 255);
            pixels[i * 3 + 1] = (byte)Math.Clamp(colour.G + random.Next(-10, 11), 0, 255);
            pixels[i * 3 + 2] = (byte)Math.Clamp(colour.B + random.Next(-10, 11), 0, 255);
        }

        return pixels;
    }
}

using System.Buffers.Binary;

namespace ModelCompiler.Imaging;

/// <summary>
/// A GIF's logical screen size, which is what stb_image allocates for (it decodes the first frame only). Truncation
/// inside the frame shows when the decoder reads past the end (<see cref="GuardedStream"/>).
/// </summary>
internal static class GifStructure
{
    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13)
        {
            throw new InvalidImageException(ImageProblem.Truncated, $"truncated GIF: ends inside its header ({data.Length} bytes)");
        }

        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        if (width == 0 || height == 0)
        {
            throw new InvalidImageException(ImageProblem.Corrupt, $"corrupt GIF: logical screen of {width} x {height} pixels");
        }

        return new ImageHeader(ImageFormat.Gif, width, height, null);
    }
}

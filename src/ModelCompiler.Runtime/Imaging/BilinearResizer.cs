namespace ModelCompiler.Imaging;

/// <summary>
/// Resizes interleaved 8-bit images (HWC) with bilinear interpolation and half-pixel centres (the convention of
/// TensorFlow's <c>resize(..., half_pixel_centers=True)</c> and PyTorch's <c>align_corners=False</c>).
/// The trainer and the samples share it so a model sees the same pixels in training and in deployment.
/// </summary>
public static class BilinearResizer
{
    /// <summary>Resizes <paramref name="source"/> (height x width x channels) into <paramref name="destination"/>.</summary>
    public static void Resize(
        ReadOnlySpan<byte> source, int sourceHeight, int sourceWidth, int channels,
        Span<byte> destination, int destinationHeight, int destinationWidth)
    {
        if (sourceHeight < 1 || sourceWidth < 1 || channels < 1 || destinationHeight < 1 || destinationWidth < 1)
        {
            throw new ArgumentException("image dimensions must be positive");
        }

        if (source.Length != (long)sourceHeight * sourceWidth * channels)
        {
            throw new ArgumentException($"source holds {source.Length} bytes, expected {(long)sourceHeight * sourceWidth * channels}", nameof(source));
        }

        if (destination.Length != (long)destinationHeight * destinationWidth * channels)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, expected {(long)destinationHeight * destinationWidth * channels}", nameof(destination));
        }

        if (sourceHeight == destinationHeight && sourceWidth == destinationWidth)
        {
            source.CopyTo(destination);
            return;
        }

        float scaleY = (float)sourceHeight / destinationHeight;
        float scaleX = (float)sourceWidth / destinationWidth;
        for (int y = 0; y < destinationHeight; y++)
        {
            Sample((y + 0.5f) * scaleY - 0.5f, sourceHeight, out int y0, out int y1, out float fy);
            for (int x = 0; x < destinationWidth; x++)
            {
                Sample((x + 0.5f) * scaleX - 0.5f, sourceWidth, out int x0, out int x1, out float fx);
                int o = (y * destinationWidth + x) * channels;
                for (int c = 0; c < channels; c++)
                {
                    float top = Lerp(source[(y0 * sourceWidth + x0) * channels + c], source[(y0 * sourceWidth + x1) * channels + c], fx);
                    float bottom = Lerp(source[(y1 * sourceWidth + x0) * channels + c], source[(y1 * sourceWidth + x1) * channels + c], fx);
                    float v = Lerp(top, bottom, fy);
                    destination[o + c] = (byte)Math.Clamp((int)MathF.Round(v), 0, 255);
                }
            }
        }
    }

    /// <summary>Allocating convenience overload.</summary>
    public static byte[] Resize(ReadOnlySpan<byte> source, int sourceHeight, int sourceWidth, int channels, int destinationHeight, int destinationWidth)
    {
        var result = new byte[destinationHeight * destinationWidth * channels];
        Resize(source, sourceHeight, sourceWidth, channels, result, destinationHeight, destinationWidth);
        return result;
    }

    private static void Sample(float position, int size, out int i0, out int i1, out float fraction)
    {
        position = Math.Clamp(position, 0f, size - 1);
        i0 = (int)position;
        i1 = Math.Min(i0 + 1, size - 1);
        fraction = position - i0;
    }

    private static float Lerp(float a, float b, float t) => a + (b - a) * t;
}

namespace ModelCompiler.Trainer.Data;

/// <summary>
/// The seed's <c>ImageDataGenerator(zoom_range=0.3, rotation_range=25, shear_range=0.1)</c>: a random affine map per
/// image (zoom factor in [1 - z, 1 + z] per axis, rotation in ±r degrees, shear angle in ±s degrees as Keras takes
/// it, optional horizontal flip), sampled bilinearly with Keras' default 'nearest' fill at the borders.
/// </summary>
public sealed class Augmenter(double zoom = 0.3, double rotationDegrees = 25, double shearDegrees = 0.1, bool horizontalFlip = false)
{
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"zoom {zoom}, rotation {rotationDegrees} degrees, shear {shearDegrees}{(horizontalFlip ? ", horizontal flips" : "")}");

    /// <summary>Transforms one HWC image with randomness from <paramref name="random"/>.</summary>
    public byte[] Apply(ReadOnlySpan<byte> image, int height, int width, int channels, Random random)
    {
        double theta = (random.NextDouble() * 2 - 1) * rotationDegrees * Math.PI / 180;
        double shear = (random.NextDouble() * 2 - 1) * shearDegrees * Math.PI / 180;
        double zx = 1 + (random.NextDouble() * 2 - 1) * zoom;
        double zy = 1 + (random.NextDouble() * 2 - 1) * zoom;
        bool flip = horizontalFlip && random.Next(2) == 1;

        // Output pixel -> source pixel, about the image centre (Keras composes rotation, shear, zoom the same way).
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double a = cos * zx, b = (-sin + cos * Math.Tan(shear)) * zy;
        double c = sin * zx, d = (cos + sin * Math.Tan(shear)) * zy;
        double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0;
        var result = new byte[image.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = (flip ? width - 1 - x : x) - cx, dy = y - cy;
                double sx = a * dx + b * dy + cx;
                double sy = c * dx + d * dy + cy;
                sx = Math.Clamp(sx, 0, width - 1);
                sy = Math.Clamp(sy, 0, height - 1);
                int x0 = (int)sx, y0 = (int)sy;
                int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
                double fx = sx - x0, fy = sy - y0;
                for (int ch = 0; ch < channels; ch++)
                {
                    double top = image[(y0 * width + x0) * channels + ch] * (1 - fx) + image[(y0 * width + x1) * channels + ch] * fx;
                    double bottom = image[(y1 * width + x0) * channels + ch] * (1 - fx) + image[(y1 * width + x1) * channels + ch] * fx;
                    result[(y * width + x) * channels + ch] = (byte)Math.Clamp((int)Math.Round(top * (1 - fy) + bottom * fy), 0, 255);
                }
            }
        }

        return result;
    }
}

using SkiaSharp;

namespace ModelCompiler.Samples.Intel;

/// <summary>One tile of a contact sheet: the model's input pixels, the predicted label and, when known, the true one.</summary>
internal readonly record struct SheetTile(byte[] Pixels, string Predicted, string? Actual);

/// <summary>
/// <c>--contact-sheet sheet.png</c>: the photos as the model saw them (100x100) in a grid, each captioned with its
/// predicted label; with <c>--evaluate</c>, right answers in green and wrong ones in red with the true class.
/// </summary>
internal static class ContactSheet
{
    private const int Columns = 8;
    private const int Caption = 34;
    private const int Gap = 6;

    public static void Write(string path, IReadOnlyList<SheetTile> tiles, string title, int width, int height)
    {
        int size = width;
        int rows = (tiles.Count + Columns - 1) / Columns;
        int cellWidth = size + Gap, cellHeight = size + Caption + Gap;
        using var surface = SKSurface.Create(new SKImageInfo(Columns * cellWidth + Gap, rows * cellHeight + 30 + Gap));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 12);
        using var titleFont = new SKFont(SKTypeface.Default, 15);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var right = new SKPaint { Color = new SKColor(0, 120, 0), IsAntialias = true };
        using var wrong = new SKPaint { Color = new SKColor(190, 0, 0), IsAntialias = true };
        canvas.DrawText(title, Gap, 20, titleFont, ink);
        for (int i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i];
            float x = Gap + i % Columns * cellWidth, y = 30 + i / Columns * cellHeight;
            using (var image = Thumbnail(tile.Pixels, width, height))
            {
                canvas.DrawImage(image, x, y);
            }

            var paint = tile.Actual is null ? ink : tile.Actual == tile.Predicted ? right : wrong;
            canvas.DrawText(tile.Predicted, x, y + size + 13, font, paint);
            if (tile.Actual is { } actual && actual != tile.Predicted)
            {
                canvas.DrawText("true: " + actual, x, y + size + 27, font, ink);
            }
        }

        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            png.SaveTo(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Evenly spaced picks of at most <paramref name="count"/> of <paramref name="total"/> items, so every class of a sorted folder shows.</summary>
    public static IEnumerable<int> Spread(int total, int count) =>
        total <= count ? Enumerable.Range(0, total) : Enumerable.Range(0, count).Select(i => (int)((long)i * total / count));

    private static SKImage Thumbnail(byte[] rgb, int width, int height)
    {
                var rgba = new byte[width * height * 4];
        for (int p = 0; p < width * height; p++)
        {
            rgba[p * 4] = rgb[p * 3];
            rgba[p * 4 + 1] = rgb[p * 3 + 1];
            rgba[p * 4 + 2] = rgb[p * 3 + 2];
            rgba[p * 4 + 3] = 255;
        }

        return SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
    }
}

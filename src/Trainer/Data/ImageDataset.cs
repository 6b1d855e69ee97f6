using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Data;

/// <summary>
/// Labelled 8-bit images held in memory, each stored HWC (as decoded). Batches become float NCHW tensors with
/// x = pixel * (1/255) in float32, the same expression as the exported model's preprocessing.
/// </summary>
public sealed class ImageDataset(byte[] pixels, int[] labels, int height, int width, int channels, IReadOnlyList<string> classes)
{
    public const float PixelScale = 1f / 255f;

    public byte[] Pixels { get; } = pixels;
    public int[] Labels { get; } = labels;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public int Channels { get; } = channels;
    public IReadOnlyList<string> Classes { get; } = classes;
    public int Count => Labels.Length;
    public int ImageSize => Height * Width * Channels;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices)
    {
        var pixels = new byte[indices.Count * ImageSize];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageSize));
            labels[i] = Labels[indices[i]];
        }

        return new ImageDataset(pixels, labels, Height, Width, Channels, Classes);
    }

    /// <summary>The first <paramref name="count"/> images after a seeded shuffle (a class-balanced-ish random subset).</summary>
    public ImageDataset Sample(int count, int seed)
    {
        if (count >= Count)
        {
            return this;
        }

        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        return Subset(order[..count]);
    }

    /// <summary>Splits off the last <paramref name="fraction"/> of a seeded shuffle as a validation set.</summary>
    public (ImageDataset Train, ImageDataset Validation) Split(double fraction, int seed)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        int validation = (int)Math.Round(Count * fraction);
        return (Subset(order[validation..]), Subset(order[..validation]));
    }

    /// <summary>
    /// Holds out <paramref name="fraction"/> of every class (rounded per class, at least one image of a class with two
    /// or more), chosen by a seeded shuffle, so the validation set has the training set's class proportions.
    /// </summary>
    public (ImageDataset Train, ImageDataset Validation) StratifiedSplit(double fraction, int seed)
    {
        var random = new Random(seed);
        var kept = new List<int>();
        var held = new List<int>();
        foreach (var members in Enumerable.Range(0, Count).GroupBy(i => Labels[i]).OrderBy(g => g.Key))
        {
            var order = members.ToArray();
            random.Shuffle(order);
            int take = order.Length < 2 ? 0 : Math.Max(1, (int)Math.Round(order.Length * fraction));
            held.AddRange(order[..take]);
            kept.AddRange(order[take..]);
        }

        kept.Sort();
        held.Sort();
        return (Subset(kept), Subset(held));
    }

    /// <summary>One batch as (x: float [n, C, H, W], y: int64 [n]); <paramref name="augment"/> transforms each HWC image first.</summary>
    public (Tensor X, Tensor Y) Batch(ReadOnlySpan<int> indices, Func<int, byte[]>? augment = null)
    {
        int n = indices.Length, plane = Height * Width;
        var x = new float[n * ImageSize];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> image = augment is null ? Image(indices[i]) : augment(indices[i]);
            var target = x.AsSpan(i * ImageSize, ImageSize);
            for (int p = 0; p < plane; p++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    target[c * plane + p] = image[p * Channels + c] * PixelScale;
                }
            }

            y[i] = Labels[indices[i]];
        }

        return (tensor(x, [n, Channels, Height, Width]), tensor(y));
    }
}

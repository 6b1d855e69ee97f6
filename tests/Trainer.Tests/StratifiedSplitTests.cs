using ModelCompiler.Trainer.Data;

namespace ModelCompiler.Trainer.Tests;

public sealed class StratifiedSplitTests
{
    [Fact]
    public void Holds_out_the_fraction_of_every_class_disjointly_and_repeatably()
    {
        // 50, 30, 20 and 1 images of four classes; each image's one pixel is its index, so images can be traced.
        int[] labels = [.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 20), 3];
        var data = new ImageDataset([.. Enumerable.Range(0, labels.Length).Select(i => (byte)i)], labels, 1, 1, 1, ["a", "b", "c", "d"]);

        var (train, validation) = data.StratifiedSplit(0.1, seed: 7);

        Assert.Equal([5, 3, 2, 0], Enumerable.Range(0, 4).Select(c => validation.Labels.Count(l => l == c)));
        Assert.Equal(labels.Length, train.Count + validation.Count);
        Assert.Empty(train.Pixels.Intersect(validation.Pixels));
        Assert.All(Enumerable.Range(0, train.Count), i => Assert.Equal(labels[train.Pixels[i]], train.Labels[i]));

        var (_, again) = data.StratifiedSplit(0.1, seed: 7);
        var (_, other) = data.StratifiedSplit(0.1, seed: 8);
        Assert.Equal(validation.Pixels, again.Pixels);
        Assert.NotEqual(validation.Pixels, other.Pixels);
    }
}

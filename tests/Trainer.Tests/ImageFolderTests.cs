using ModelCompiler.Trainer.Data;

namespace ModelCompiler.Trainer.Tests;

public sealed class ImageFolderTests
{
    [Fact]
    public void Reads_jpeg_and_png_resizes_and_skips_a_corrupt_file_by_path()
    {
        using var folder = new TestFolder();
        var random = new Random(5);
        foreach (var (split, count) in new[] { ("seg_train", 3), ("seg_test", 2) })
        {
            foreach (var (name, colour) in new[] { ("red", (220, 30, 30)), ("blue", (30, 30, 220)) })
            {
                string dir = Path.Combine(folder.Path, split, name);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < count; i++)
                {
                    var pixels = GeneratedImages.Solid(40, 30, colour, random);
                    if (i % 2 == 0)
                    {
                        GeneratedImages.WriteJpeg(Path.Combine(dir, $"{i}.jpg"), pixels, 40, 30);
                    }
                    else
                    {
                        GeneratedImages.WritePng(Path.Combine(dir, $"{i}.png"), pixels, 40, 30);
                    }
                }
            }
        }

        string corrupt = Path.Combine(folder.Path, "seg_train", "red", "broken.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5]);
        File.WriteAllText(Path.Combine(folder.Path, "seg_train", "red", "notes.txt"), "not an image, ignored by extension");

        var data = ImageFolder.Load(folder.Path, 16, 20, 3, seed: 1);

        Assert.Equal(["blue", "red"], data.Train.Classes);
        Assert.Equal(6, data.Train.Count);
        Assert.Equal(4, data.Test.Count);
        var skipped = Assert.Single(data.Skipped);
        Assert.Equal(corrupt, skipped.Path);
        Assert.Equal(16 * 20 * 3, data.Train.ImageSize);

        // Colours survive decoding and resizing: a "red" image is red, a "blue" one blue.
        for (int i = 0; i < data.Train.Count; i++)
        {
            var image = data.Train.Image(i);
            int r = image[0], b = image[2];
            Assert.True(data.Train.Classes[data.Train.Labels[i]] == "red" ? r > 150 && b < 80 : b > 150 && r < 80);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0, 0, 0 })]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 })]
    [InlineData(new byte[] { (byte)'n', (byte)'o', (byte)'p', (byte)'e' })]
    public async Task Corrupt_files_are_rejected_quickly_with_a_reason(byte[] content)
    {
        using var folder = new TestFolder();
        string path = folder.File("x.jpg");
        File.WriteAllBytes(path, content);
        var decode = Task.Run(() => (ImageFolder.Decode(path, 8, 8, 3, out string? error), error));
        var (pixels, reason) = await decode.WaitAsync(TimeSpan.FromSeconds(20)); // a hang fails with TimeoutException
        Assert.Null(pixels);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void A_flat_class_folder_is_split_into_train_and_test_and_grey_models_get_one_channel()
    {
        using var folder = new TestFolder();
        var random = new Random(6);
        foreach (var (name, colour) in new[] { ("a", (250, 250, 250)), ("b", (5, 5, 5)) })
        {
            Directory.CreateDirectory(Path.Combine(folder.Path, name));
            for (int i = 0; i < 5; i++)
            {
                GeneratedImages.WritePng(Path.Combine(folder.Path, name, $"{i}.png"), GeneratedImages.Solid(10, 10, colour, random), 10, 10);
            }
        }

        var data = ImageFolder.Load(folder.Path, 28, 28, 1, seed: 3);
        Assert.Equal(10, data.Train.Count + data.Test.Count);
        Assert.Equal(2, data.Test.Count);
        Assert.Empty(data.Skipped);
        Assert.Equal(28 * 28, data.Train.ImageSize);
    }

    [Fact]
    public void Augmentation_is_seeded_and_keeps_the_image_size()
    {
        var random = new Random(1);
        var image = GeneratedImages.Solid(20, 20, (100, 150, 200), random);
        var augmenter = new Augmenter(horizontalFlip: true);
        var a = augmenter.Apply(image, 20, 20, 3, new Random(9));
        var b = augmenter.Apply(image, 20, 20, 3, new Random(9));
        Assert.Equal(a, b);
        Assert.Equal(image.Length, a.Length);
    }
}

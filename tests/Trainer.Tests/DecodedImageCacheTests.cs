using ModelCompiler.Trainer.Data;

namespace ModelCompiler.Trainer.Tests;

public sealed class DecodedImageCacheTests
{
    [Fact]
    public void A_second_load_reads_the_cache_and_gets_the_same_images_labels_and_skipped_files()
    {
        using var folder = new TestFolder();
        string root = WriteFolder(folder);
        var cache = new DecodedImageCache(folder.File("cache"));

        var decoded = ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache);
        var cached = ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache);

        Assert.Equal(0, decoded.SplitsFromCache);
        Assert.Equal(2, cached.SplitsFromCache);
        Assert.Equal(decoded.Train.Pixels, cached.Train.Pixels);
        Assert.Equal(decoded.Train.Labels, cached.Train.Labels);
        Assert.Equal(decoded.Test.Pixels, cached.Test.Pixels);
        Assert.Equal(decoded.Test.Labels, cached.Test.Labels);
        Assert.Equal(decoded.Skipped, cached.Skipped);
        Assert.Single(cached.Skipped);

        // Written through temporary files and renamed: nothing but the two entries is left.
        Assert.Equal(2, Directory.GetFiles(cache.Directory).Length);
        Assert.All(Directory.GetFiles(cache.Directory), f => Assert.EndsWith(".bin", f));
    }

    [Fact]
    public void A_touched_replaced_or_added_file_or_another_shape_misses_the_cache()
    {
        using var folder = new TestFolder();
        string root = WriteFolder(folder);
        var cache = new DecodedImageCache(folder.File("cache"));
        ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache);

        string testFile = Directory.GetFiles(Path.Combine(root, "seg_test", "red")).Order(StringComparer.Ordinal).First();
        File.SetLastWriteTimeUtc(testFile, File.GetLastWriteTimeUtc(testFile).AddSeconds(5));
        Assert.Equal(1, ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache).SplitsFromCache);

        // Same name, other content: the new pixels are used, not the cached ones.
        string trainFile = Path.Combine(root, "seg_train", "blue", "0.jpg");
        GeneratedImages.WriteJpeg(trainFile, GeneratedImages.Solid(40, 30, (220, 30, 30), new Random(9)), 40, 30);
        var replaced = ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache);
        Assert.Equal(1, replaced.SplitsFromCache);
        int index = Array.IndexOf(replaced.Train.Labels, replaced.Train.Classes.ToList().IndexOf("blue"));
        Assert.True(replaced.Train.Image(index)[0] > 150, "the replaced blue image is red now");

        GeneratedImages.WritePng(Path.Combine(root, "seg_test", "blue", "new.png"), GeneratedImages.Solid(40, 30, (30, 30, 220), new Random(3)), 40, 30);
        var added = ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache);
        Assert.Equal(1, added.SplitsFromCache);
        Assert.Equal(5, added.Test.Count);

        Assert.Equal(0, ImageFolder.Load(root, 16, 16, 3, seed: 1, cache: cache).SplitsFromCache);
        Assert.Equal(2, ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache).SplitsFromCache);
    }

    [Fact]
    public void A_damaged_cache_entry_is_decoded_again_and_rewritten()
    {
        using var folder = new TestFolder();
        string root = WriteFolder(folder);
        var cache = new DecodedImageCache(folder.File("cache"));
        var original = ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache);
        foreach (string entry in Directory.GetFiles(cache.Directory))
        {
            byte[] bytes = File.ReadAllBytes(entry);
            File.WriteAllBytes(entry, bytes[..(bytes.Length / 2)]);
        }

        var again = ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache);
        Assert.Equal(0, again.SplitsFromCache);
        Assert.Equal(original.Train.Pixels, again.Train.Pixels);
        Assert.Equal(2, ImageFolder.Load(root, 16, 20, 3, seed: 1, cache: cache).SplitsFromCache);
    }

    [Fact]
    public void The_default_folder_is_outside_the_repository_and_follows_the_environment()
    {
        string previous = Environment.GetEnvironmentVariable("MODELCOMPILER_CACHE") ?? "";
        try
        {
            Environment.SetEnvironmentVariable("MODELCOMPILER_CACHE", "/some/where");
            Assert.Equal(Path.Combine("/some/where", "decoded-images"), DecodedImageCache.DefaultDirectory());
            Environment.SetEnvironmentVariable("MODELCOMPILER_CACHE", null);
            Assert.EndsWith(Path.Combine("modelcompiler", "decoded-images"), DecodedImageCache.DefaultDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MODELCOMPILER_CACHE", previous.Length > 0 ? previous : null);
        }
    }

    /// <summary>seg_train/{red,blue} with 3 images each plus a broken file, seg_test/{red,blue} with 2 each.</summary>
    private static string WriteFolder(TestFolder folder)
    {
        string root = folder.File("data");
        var random = new Random(5);
        foreach (var (split, count) in new[] { ("seg_train", 3), ("seg_test", 2) })
        {
            foreach (var (name, colour) in new[] { ("red", (220, 30, 30)), ("blue", (30, 30, 220)) })
            {
                string dir = Path.Combine(root, split, name);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < count; i++)
                {
                    GeneratedImages.WriteJpeg(Path.Combine(dir, $"{i}.jpg"), GeneratedImages.Solid(40, 30, colour, random), 40, 30);
                }
            }
        }

        File.WriteAllBytes(Path.Combine(root, "seg_train", "red", "broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5]);
        return root;
    }
}

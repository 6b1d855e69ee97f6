using ModelCompiler.Imaging;

namespace ModelCompiler.Trainer.Data;

/// <summary>An image that could not be used, and why (<see cref="Problem"/> null when the reason is not an image problem).</summary>
public readonly record struct SkippedImage(string Path, string Reason, ImageProblem? Problem = null);

/// <summary>An image that was used although it is truncated (<see cref="ImageReadOptions.AllowTruncated"/>), and the warning.</summary>
public readonly record struct ImageWarning(string Path, string Warning);

/// <summary>What <see cref="ImageFolder.Load"/> read: training and test sets, the files it skipped and the ones it used with a warning.</summary>
public sealed record ImageFolderData(ImageDataset Train, ImageDataset Test, IReadOnlyList<SkippedImage> Skipped, string TestSource, IReadOnlyList<ImageWarning> Warnings)
{
    /// <summary>How many of the splits read came from the <see cref="DecodedImageCache"/> rather than the decoder.</summary>
    public int SplitsFromCache { get; init; }
}

/// <summary>
/// Reads a folder of labelled images, one sub-folder per class, like Keras' <c>flow_from_directory</c>. Layouts:
/// <c>seg_train/</c> + <c>seg_test/</c> (Kaggle Intel, also the doubled <c>seg_train/seg_train/</c>), <c>train/</c> +
/// <c>test/</c>, or class folders directly (then a seeded 20% becomes the test set). JPEG, PNG, BMP and GIF files are
/// opened by <see cref="ImageFile"/> (limits checked from the header, truncation detected), converted to the model's
/// channel count and resized bilinearly to its input. Unusable files are reported and skipped, never fatal; truncated
/// ones too, unless <see cref="ImageReadOptions.AllowTruncated"/>, then they are used and listed with a warning.
/// </summary>
public static class ImageFolder
{
    /// <summary>
    /// Names what <see cref="Decode(string, int, int, int, ImageReadOptions, out string?, out string?)"/> computes; part of
    /// the <see cref="DecodedImageCache"/> key. Change it whenever opening or resizing changes its output, so cached
    /// pixels of the old code are not used.
    /// </summary>
    public const string DecoderVersion = "ModelCompiler.Imaging ImageFile.ReadResized (StbImageSharp 2.30.16, BilinearResizer) 1";

    /// <summary>
    /// Reads <paramref name="root"/>; with <paramref name="cache"/>, each split's decoded images are read from it when
    /// its files, the input shape and <paramref name="images"/> are unchanged, and stored in it otherwise.
    /// </summary>
    public static ImageFolderData Load(
        string root, int height, int width, int channels, int seed, double testFraction = 0.2, ImageReadOptions? images = null, DecodedImageCache? cache = null)
    {
        images ??= ImageReadOptions.Default;
        if (!Directory.Exists(root))
        {
            throw new DatasetMissingException($"image folder {root} does not exist");
        }

        var skipped = new List<SkippedImage>();
        var warnings = new List<ImageWarning>();
        string? trainDir = Find(root, "seg_train") ?? Find(root, "train");
        string? testDir = Find(root, "seg_test") ?? Find(root, "test");
        if (trainDir is not null && testDir is not null)
        {
            var classes = ClassFolders(trainDir);
            var (train, trainCached) = Read(trainDir, classes, height, width, channels, images, skipped, warnings, cache);
            var (test, testCached) = Read(testDir, classes, height, width, channels, images, skipped, warnings, cache);
            return new ImageFolderData(train, test, skipped, testDir, warnings) { SplitsFromCache = (trainCached ? 1 : 0) + (testCached ? 1 : 0) };
        }

        var (all, cached) = Read(root, ClassFolders(root), height, width, channels, images, skipped, warnings, cache);
        var (rest, held) = all.Split(testFraction, seed);
        return new ImageFolderData(rest, held, skipped, $"{testFraction:P0} of {root} (seed {seed})", warnings) { SplitsFromCache = cached ? 1 : 0 };
    }

    /// <summary>Decodes one file to HWC bytes of the requested size, or returns the reason it cannot.</summary>
    public static byte[]? Decode(string path, int height, int width, int channels, out string? error) =>
        Decode(path, height, width, channels, ImageReadOptions.Default, out error, out _);

    /// <summary>
    /// Decodes one file to HWC bytes of the requested size (<see cref="ImageFile.ReadResized"/>), or returns null and
    /// the reason it cannot be used; <paramref name="warning"/> is set for a truncated file used as allowed.
    /// </summary>
    public static byte[]? Decode(string path, int height, int width, int channels, ImageReadOptions images, out string? error, out string? warning)
    {
        var opened = Open(path, height, width, channels, images);
        (error, warning) = (opened.Error, opened.Warning);
        return opened.Pixels;
    }

    private static DecodedFile Open(string path, int height, int width, int channels, ImageReadOptions images)
    {
        try
        {
            var image = ImageFile.ReadResized(path, height, width, channels, images);
            return new DecodedFile(image.Pixels, null, image.Warning, null);
        }
        catch (ImageFileException e)
        {
            return new DecodedFile(null, e.Reason, null, e.Problem);
        }
    }

    private static string? Find(string root, string name)
    {
        string candidate = Path.Combine(root, name);
        if (!Directory.Exists(candidate))
        {
            return null;
        }

        // The Kaggle archive nests seg_train/seg_train/<class>.
        string nested = Path.Combine(candidate, name);
        return Directory.Exists(nested) && Directory.GetDirectories(candidate).Length == 1 ? nested : candidate;
    }

    private static string[] ClassFolders(string directory)
    {
        var classes = Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
        {
            throw new DatasetMissingException($"{directory} needs one sub-folder per class (at least two), found {classes.Length}");
        }

        return classes;
    }

    private static (ImageDataset Data, bool FromCache) Read(
        string directory, string[] classes, int height, int width, int channels, ImageReadOptions images, List<SkippedImage> skipped,
        List<ImageWarning> warnings, DecodedImageCache? cache)
    {
        var files = new List<(string Path, int Label)>();
        for (int c = 0; c < classes.Length; c++)
        {
            string folder = Path.Combine(directory, classes[c]);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            files.AddRange(Directory.GetFiles(folder)
                .Where(ImageFormats.HasImageExtension)
                .Order(StringComparer.Ordinal)
                .Select(f => (f, c)));
        }

        int size = height * width * channels;
        string settings = $"{DecoderVersion}; max pixels {images.MaxPixels}, max bytes {images.MaxFileBytes}, truncated {(images.AllowTruncated ? "used" : "skipped")}";
        string? key = cache is null ? null : DecodedImageCache.Key(directory, classes, files, height, width, channels, settings);
        var hit = key is null ? null : cache!.TryRead(key, files.Count, size);
        bool fromCache = hit is not null;
        var opened = hit ?? new DecodedFile[files.Count];
        if (!fromCache)
        {
            Parallel.For(0, files.Count, i => opened[i] = Open(files[i].Path, height, width, channels, images));
            if (key is not null)
            {
                cache!.TryWrite(key, opened, size);
            }
        }

        int readable = opened.Count(o => o.Pixels is not null);
        var pixels = new byte[(long)readable * size];
        var labels = new int[readable];
        for (int i = 0, n = 0; i < files.Count; i++)
        {
            if (opened[i].Pixels is not { } decoded)
            {
                skipped.Add(new SkippedImage(files[i].Path, opened[i].Error ?? "unreadable", opened[i].Problem));
                continue;
            }

            if (opened[i].Warning is { } warning)
            {
                warnings.Add(new ImageWarning(files[i].Path, warning));
            }

            decoded.CopyTo(pixels.AsSpan(n * size));
            labels[n++] = files[i].Label;
        }

        if (readable == 0)
        {
            throw new DatasetMissingException($"{directory} holds no readable images");
        }

        return (new ImageDataset(pixels, labels, height, width, channels, classes), fromCache);
    }
}

using ModelCompiler.Imaging;
using StbImageSharp;

namespace ModelCompiler.Trainer.Data;

/// <summary>An image that could not be used, and why.</summary>
public readonly record struct SkippedImage(string Path, string Reason);

/// <summary>What <see cref="ImageFolder.Load"/> read: training and test sets and the files it skipped.</summary>
public sealed record ImageFolderData(ImageDataset Train, ImageDataset Test, IReadOnlyList<SkippedImage> Skipped, string TestSource)
{
    /// <summary>How many of the splits read came from the <see cref="DecodedImageCache"/> rather than the decoder.</summary>
    public int SplitsFromCache { get; init; }
}

/// <summary>
/// Reads a folder of labelled images, one sub-folder per class, like Keras' <c>flow_from_directory</c>. Layouts:
/// <c>seg_train/</c> + <c>seg_test/</c> (Kaggle Intel, also the doubled <c>seg_train/seg_train/</c>), <c>train/</c> +
/// <c>test/</c>, or class folders directly (then a seeded 20% becomes the test set). JPEG and PNG (and what else
/// stb_image decodes) are decoded, converted to the model's channel count, resized bilinearly to its input.
/// Unreadable files are reported and skipped, never fatal.
/// </summary>
public static class ImageFolder
{
    /// <summary>
    /// Names what <see cref="Decode"/> computes; part of the <see cref="DecodedImageCache"/> key. Change it whenever
    /// decoding or resizing changes its output, so cached pixels of the old code are not used.
    /// </summary>
    public const string DecoderVersion = "StbImageSharp 2.30.16 + JpegHeaderCheck + BilinearResizer";

    private static readonly HashSet<string> Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tga"];

    /// <summary>Reads <paramref name="root"/>; with <paramref name="cache"/>, decoded splits are read from and stored in it.</summary>
    public static ImageFolderData Load(string root, int height, int width, int channels, int seed, double testFraction = 0.2, DecodedImageCache? cache = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DatasetMissingException($"image folder {root} does not exist");
        }

        var skipped = new List<SkippedImage>();
        string? trainDir = Find(root, "seg_train") ?? Find(root, "train");
        string? testDir = Find(root, "seg_test") ?? Find(root, "test");
        if (trainDir is not null && testDir is not null)
        {
            var classes = ClassFolders(trainDir);
            var (train, trainCached) = Read(trainDir, classes, height, width, channels, skipped, cache);
            var (test, testCached) = Read(testDir, classes, height, width, channels, skipped, cache);
            return new ImageFolderData(train, test, skipped, testDir) { SplitsFromCache = (trainCached ? 1 : 0) + (testCached ? 1 : 0) };
        }

        var (all, cached) = Read(root, ClassFolders(root), height, width, channels, skipped, cache);
        var (rest, held) = all.Split(testFraction, seed);
        return new ImageFolderData(rest, held, skipped, $"{testFraction:P0} of {root} (seed {seed})") { SplitsFromCache = cached ? 1 : 0 };
    }

    /// <summary>Decodes one file to HWC bytes of the requested size, or returns the reason it cannot.</summary>
    public static byte[]? Decode(string path, int height, int width, int channels, out string? error)
    {
        error = null;
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (JpegHeaderCheck.IsJpeg(bytes) && JpegHeaderCheck.Problem(bytes) is { } problem)
            {
                error = problem;
                return null;
            }

            var components = channels switch
            {
                1 => ColorComponents.Grey,
                3 => ColorComponents.RedGreenBlue,
                4 => ColorComponents.RedGreenBlueAlpha,
                _ => throw new NotSupportedException($"{channels} channels"),
            };
            var image = ImageResult.FromMemory(bytes, components);
            if (image.Width < 1 || image.Height < 1 || image.Data.Length != image.Width * image.Height * channels)
            {
                error = "decoder returned no pixels";
                return null;
            }

            return BilinearResizer.Resize(image.Data, image.Height, image.Width, channels, height, width);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e.Message;
            return null;
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
        string directory, string[] classes, int height, int width, int channels, List<SkippedImage> skipped, DecodedImageCache? cache)
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
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .Select(f => (f, c)));
        }

        int size = height * width * channels;
        string? key = cache is null ? null : DecodedImageCache.Key(directory, classes, files, height, width, channels, DecoderVersion);
        bool fromCache = false;
        byte[]?[] decoded;
        string?[] errors;
        if (key is not null && cache!.TryRead(key, files.Count, size) is { } hit)
        {
            (decoded, errors, fromCache) = (hit.Pixels, hit.Errors, true);
        }
        else
        {
            var (d, e) = (new byte[]?[files.Count], new string?[files.Count]);
            Parallel.For(0, files.Count, i => d[i] = Decode(files[i].Path, height, width, channels, out e[i]));
            (decoded, errors) = (d, e);
            if (key is not null)
            {
                cache!.TryWrite(key, decoded, errors, size);
            }
        }

        int readable = decoded.Count(d => d is not null);
        var pixels = new byte[(long)readable * size];
        var labels = new int[readable];
        for (int i = 0, n = 0; i < files.Count; i++)
        {
            if (decoded[i] is not { } image)
            {
                skipped.Add(new SkippedImage(files[i].Path, errors[i] ?? "unreadable"));
                continue;
            }

            image.CopyTo(pixels.AsSpan(n * size));
            labels[n++] = files[i].Label;
        }

        if (readable == 0)
        {
            throw new DatasetMissingException($"{directory} holds no readable images");
        }

        return (new ImageDataset(pixels, labels, height, width, channels, classes), fromCache);
    }
}

using ModelCompiler.Imaging;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>Which data a command uses (the --data, --data-dir, limits and split options).</summary>
public sealed record DataSelection
{
    public string Data { get; init; } = "fashion-mnist";
    public string? DataDirectory { get; init; }
    public string FashionMnistDirectory { get; init; } = FashionMnist.DefaultDirectory;
    public int? TrainLimit { get; init; }
    public int? TestLimit { get; init; }
    /// <summary>Fraction of each class of the training images held out for validation; 0 validates on the test set, as the seed does.</summary>
    public double ValidationFraction { get; init; }
    public int Seed { get; init; } = 1234;
    /// <summary>Limits and the truncated-image choice for --data-dir images (docs/limits.md).</summary>
    public ImageReadOptions Images { get; init; } = ImageReadOptions.Default;
    /// <summary>What to call the data in model files and provenance instead of the folder's path (e.g. the set's public name).</summary>
    public string? DatasetName { get; init; }
    /// <summary>Folder of the <see cref="DecodedImageCache"/> for --data-dir; null decodes every time.</summary>
    public string? ImageCacheDirectory { get; init; }
}

/// <summary>Loaded data: training, validation and test sets, with a name for provenance, the skipped files and the truncated ones used.</summary>
public sealed record LoadedData(ImageDataset Train, ImageDataset Validation, ImageDataset Test, string Name, IReadOnlyList<SkippedImage> Skipped, IReadOnlyList<ImageWarning> Warnings)
{
    /// <summary>Wall time of reading (and decoding, or reading from the cache) the images.</summary>
    public double LoadSeconds { get; init; }

    /// <summary>Folder splits (seg_train, seg_test) read from the decoded-image cache instead of decoded.</summary>
    public int SplitsFromCache { get; init; }

    /// <summary>How the images were divided, for provenance: counts, and where validation came from.</summary>
    public string Split { get; init; } = "";

    public static LoadedData Load(DataSelection selection, ModelDescription model) =>
        Load(selection, model.InputHeight, model.InputWidth, model.InputChannels, model.Outputs, model.Name);

    /// <summary>
    /// Loads images of the given size for a model with <paramref name="classes"/> outputs; null takes the images whatever
    /// their classes (calibration images of an imported model, whose classes are not the photographs' folders).
    /// </summary>
    public static LoadedData Load(DataSelection selection, int height, int width, int channels, int? classes, string modelName)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ImageDataset train, test;
        string name, testSource = "the test split";
        int splitsFromCache = 0;
        var skipped = new List<SkippedImage>();
        var warnings = new List<ImageWarning>();
        if (selection.DataDirectory is { } directory)
        {
            var cache = selection.ImageCacheDirectory is { } cacheDirectory ? new DecodedImageCache(cacheDirectory) : null;
            var folder = ImageFolder.Load(directory, height, width, channels, selection.Seed, images: selection.Images, cache: cache);
            splitsFromCache = folder.SplitsFromCache;
            (train, test) = (folder.Train, folder.Test);
            skipped.AddRange(folder.Skipped);
            warnings.AddRange(folder.Warnings);
            name = $"image folder {Path.GetFullPath(directory)} (test: {folder.TestSource})";
            testSource = folder.TestSource;
        }
        else if (selection.Data == "fashion-mnist")
        {
            if (height != 28 || width != 28 || channels != 1)
            {
                throw new ModelDescriptionException($"Fashion-MNIST images are 28x28x1 but model '{modelName}' takes {height}x{width}x{channels}; use --data-dir for other images");
            }

            train = FashionMnist.Load(true, selection.FashionMnistDirectory);
            test = FashionMnist.Load(false, selection.FashionMnistDirectory);
            name = $"Fashion-MNIST ({selection.FashionMnistDirectory})";
            testSource = "t10k";
        }
        else
        {
            throw new DatasetMissingException($"unknown --data '{selection.Data}': use fashion-mnist, or --data-dir <folder>");
        }

        if (classes is not null && train.Classes.Count != classes)
        {
            throw new ModelDescriptionException($"the data has {train.Classes.Count} classes but model '{modelName}' has {classes} outputs");
        }

        if (selection.TrainLimit is { } trainLimit)
        {
            train = train.Sample(trainLimit, selection.Seed);
        }

        if (selection.TestLimit is { } testLimit)
        {
            test = test.Sample(testLimit, selection.Seed + 1);
        }

        var validation = test;
        string validationSource = "the test images (as the seed validates on seg_test)";
        if (selection.ValidationFraction > 0)
        {
            (train, validation) = train.StratifiedSplit(selection.ValidationFraction, selection.Seed + 2);
            validationSource = $"{selection.ValidationFraction:0.##%} of each class of the training images, seed {selection.Seed + 2}";
        }

        string limits = (selection.TrainLimit is { } t ? $", training limited to {t} (seed {selection.Seed})" : "") +
            (selection.TestLimit is { } l ? $", test limited to {l} (seed {selection.Seed + 1})" : "");
        return new LoadedData(train, validation, test, selection.DatasetName ?? name, skipped, warnings)
        {
            LoadSeconds = clock.Elapsed.TotalSeconds,
            SplitsFromCache = splitsFromCache,
            Split = FormattableString.Invariant(
                $"{train.Count} training, {validation.Count} validation ({validationSource}), {test.Count} test ({testSource}){limits}, {skipped.Count} unreadable skipped{(warnings.Count > 0 ? $", {warnings.Count} truncated used" : "")}"),
        };
    }
}

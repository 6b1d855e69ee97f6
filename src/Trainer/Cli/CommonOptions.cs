using System.CommandLine;
using ModelCompiler.Imaging;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Workflow;

namespace ModelCompiler.Trainer.Cli;

/// <summary>Options several commands share (data, seed, threads, batch size), and reading them back.</summary>
public sealed class CommonOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = "Built-in data set: fashion-mnist (the Debian package dataset-fashion-mnist).",
        DefaultValueFactory = _ => "fashion-mnist",
    };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Image folder instead of --data: seg_train/ + seg_test/ (Kaggle Intel layout), train/ + test/, or one sub-folder per class (20% held out for test).",
    };

    public Option<string> FashionDir { get; } = new("--fashion-mnist-dir")
    {
        Description = "Where the Fashion-MNIST idx files are.",
        DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
    };

    public Option<int?> TrainLimit { get; } = new("--train-limit") { Description = "Use a seeded random subset of this many training images." };

    public Option<int?> TestLimit { get; } = new("--test-limit") { Description = "Use a seeded random subset of this many test images." };

    public Option<double> ValFraction { get; } = new("--val-fraction")
    {
        Description = "Hold out this fraction of each class of the training images (seeded) for validation; 0 validates on the test set, as the seed does.",
        DefaultValueFactory = _ => 0,
    };

    public Option<string?> DatasetName { get; } = new("--dataset-name")
    {
        Description = "Name the data by this text in the model's provenance and metadata instead of the folder's path (e.g. the data set's public name and source).",
    };

    public Option<string> ImageCache { get; } = new("--image-cache")
    {
        Description = "With --data-dir: folder that keeps decoded, resized images between runs (keyed by the files' paths, sizes and times and the input shape), or 'none'.",
        DefaultValueFactory = _ => DecodedImageCache.DefaultDirectory(),
    };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for weights, shuffling, augmentation and subsets: runs are repeatable.", DefaultValueFactory = _ => 1234 };

    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => 64 };

    public Option<double> AdamEpsilon { get; } = new("--adam-epsilon")
    {
        Description = "Adam's epsilon as Keras defines it (added to sqrt(v) before bias correction); Keras's default 1e-7, as in the seed.",
        DefaultValueFactory = _ => Training.KerasAdam.DefaultEpsilon,
    };

    /// <summary>
    /// Weight width of int8 layers when --weight-bits is not given: 7, because it lets the generated kernels use
    /// u8 x s8 MultiplyAddAdjacent exactly and cost nothing measurable on Fashion-MNIST (docs/trainer.md).
    /// </summary>
    public const int DefaultWeightBits = 7;

    /// <summary>For qat and ptq full-int8; null when not given on the command line.</summary>
    public Option<int?> WeightBits { get; } = CreateWeightBits();

    private static Option<int?> CreateWeightBits()
    {
        var option = new Option<int?>("--weight-bits")
        {
            Description = $"Width of int8 layers' weights: 7 ([-63, 63], written as 'weight_bits 7', which lets the generated kernels use the fast u8 x s8 instruction exactly) or 8 ([-127, 127]). Default {DefaultWeightBits}.",
        };
        option.AcceptOnlyFromAmong("7", "8");
        return option;
    }

    public Option<long> MaxImagePixels { get; } = new("--max-image-pixels")
    {
        Description = $"--data-dir images whose header declares more pixels are skipped (default {ImageReadOptions.DefaultMaxPixels}, 8192 x 4096; docs/limits.md).",
        DefaultValueFactory = _ => ImageReadOptions.DefaultMaxPixels,
    };

    public Option<long> MaxImageBytes { get; } = new("--max-image-bytes")
    {
        Description = $"--data-dir image files larger than this are skipped (default {ImageReadOptions.DefaultMaxFileBytes}, 128 MiB).",
        DefaultValueFactory = _ => ImageReadOptions.DefaultMaxFileBytes,
    };

    public Option<string> TruncatedImages { get; } = CreateTruncatedImages();

    private static Option<string> CreateTruncatedImages()
    {
        var option = new Option<string>("--truncated-images")
        {
            Description = "What to do with --data-dir images that end early (cut JPEGs, PNGs without IEND): skip them (reported, the default) or use them as far as their data goes, each with a warning.",
            DefaultValueFactory = _ => "skip",
        };
        option.AcceptOnlyFromAmong("skip", "use");
        return option;
    }

    public Option<int> Threads { get; } = new("--threads") { Description = "CPU threads for libtorch and the interpreter.", DefaultValueFactory = _ => Math.Min(Environment.ProcessorCount, 2) };

    /// <summary><c>--output</c> (<c>-o</c>): what it names differs by command, so each gives its description.</summary>
    public static Option<T> Output<T>(string description, T? defaultValue = default, bool required = false)
    {
        var option = new Option<T>("--output", "-o") { Description = description, Required = required };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    public void AddDataTo(Command command)
    {
        foreach (var option in new Option[] { Data, DataDir, FashionDir, TrainLimit, TestLimit, ValFraction, DatasetName, ImageCache, Seed, Threads, MaxImagePixels, MaxImageBytes, TruncatedImages })
        {
            command.Options.Add(option);
        }
    }

    public DataSelection Selection(ParseResult result) => new()
    {
        Data = result.GetValue(Data)!,
        DataDirectory = result.GetValue(DataDir),
        FashionMnistDirectory = result.GetValue(FashionDir)!,
        TrainLimit = result.GetValue(TrainLimit),
        TestLimit = result.GetValue(TestLimit),
        ValidationFraction = result.GetValue(ValFraction),
        Seed = result.GetValue(Seed),
        DatasetName = result.GetValue(DatasetName),
        ImageCacheDirectory = result.GetValue(ImageCache) is { } cache && !cache.Equals("none", StringComparison.OrdinalIgnoreCase) ? cache : null,
        Images = new ImageReadOptions
        {
            MaxPixels = result.GetValue(MaxImagePixels),
            MaxFileBytes = result.GetValue(MaxImageBytes),
            AllowTruncated = result.GetValue(TruncatedImages) == "use",
        },
    };
}

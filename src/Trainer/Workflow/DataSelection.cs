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
    /// <summary>Fraction of the training images held out for validation; 0 validates on the test set, as the seed does.</summary>
    public double ValidationFraction { get; init; }
    public int Seed { get; init; } = 1234;
    /// <summary>Limits and the truncated-image choice for --data-dir images (docs/limits.md).</summary>
    public ImageReadOptions Images { get; init; } = ImageReadOptions.Default;
}

/// <summary>Loaded data: training, validation and test sets, with a name for provenance, the skipped files and the truncated ones used.</summary>
public sealed record LoadedData(ImageDataset Train, ImageDataset Validation, ImageDataset Test, string Name, IReadOnlyList<SkippedImage> Skipped, IReadOnlyList<ImageWarning> Warnings)
{
    public static LoadedData Load(DataSelection selection, ModelDescription model) =>
        Load(selection, model.InputHeight, model.InputWidth, model.InputChannels, model.Outputs, model.Name);

    /// <summary>Loads images of the given size for a model with <paramref name="classes"/> outputs.</summary>
    public static LoadedData Load(DataSelection selection, int height, int width, int channels, int classes, string modelName)
    {
        ImageDataset train, test;
        string name;
        var skipped = new List<SkippedImage>();
        var warnings = new List<ImageWarning>();
        if (selection.DataDirectory is { } directory)
        {
            var folder = ImageFolder.Load(directory, height, width, channels, selection.Seed, images: selection.Images);
            (train, test) = (folder.Train, folder.Test);
            skipped.AddRange(folder.Skipped);
            warnings.AddRange(folder.Warnings);
            name = $"image folder {Path.GetFullPath(directory)} (test: {folder.TestSource})";
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
        }
        else
        {
            throw new DatasetMissingException($"unknown --data '{selection.Data}': use fashion-mnist, or --data-dir <folder>");
        }

        if (train.Classes.Count != classes)
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
        if (selection.ValidationFraction > 0)
        {
            (train, validation) = train.Split(selection.ValidationFraction, selection.Seed + 2);
        }

        return new LoadedData(train, validation, test, name, skipped, warnings);
    }
}

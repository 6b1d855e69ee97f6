using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Models;

namespace ModelCompiler.Trainer.Training;

/// <summary>
/// A trained TorchSharp model on disk: the weights and observer buffers in TorchSharp's format (<c>path</c>) and a
/// JSON sidecar (<c>path.json</c>) with the description, class names, per-layer precisions and history, so that
/// <c>qat</c>, <c>ptq</c> and <c>evaluate</c> can rebuild the same network. Both files are written atomically.
/// </summary>
public sealed record ModelBundle
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("description")] public required ModelDescription Description { get; init; }
    [JsonPropertyName("classes")] public required string[] Classes { get; init; }
    [JsonPropertyName("precisions")] public required Precision[] Precisions { get; init; }
    /// <summary>Max pools that run in int8 after a float layer (<see cref="GraphNetwork.SelectQuantizedPools"/>); absent means none.</summary>
    [JsonPropertyName("quantized_pools")] public string[]? QuantizedPools { get; init; }
    [JsonPropertyName("dataset")] public required string Dataset { get; init; }
    [JsonPropertyName("history")] public required List<EpochRecord> History { get; init; }
    /// <summary>Width of the int8 layers' weights (8, or 7 after <c>--weight-bits 7</c>); absent in older files, meaning 8.</summary>
    [JsonPropertyName("weight_bits")] public int WeightBits { get; init; } = Int8Weights.FullBits;
    /// <summary>Quantization-aware steps after which batch normalizations freeze (<see cref="GraphNetwork.BatchNormFreezeSteps"/>); absent: never.</summary>
    [JsonPropertyName("batch_norm_freeze_steps")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BatchNormFreezeSteps { get; init; }
    /// <summary>Test-set accuracy of the float model, once measured (the export table's first column).</summary>
    [JsonPropertyName("float_accuracy")] public double? FloatAccuracy { get; init; }
    /// <summary>How the images were divided (counts, validation source); absent in older files.</summary>
    [JsonPropertyName("data_split")] public string? DataSplit { get; init; }
    /// <summary>The recipe of each training phase that made these weights, one line each (<see cref="TrainingOptions.Describe"/>).</summary>
    [JsonPropertyName("training")] public List<string>? Training { get; init; }

    public static string SidecarPath(string path) => path + ".json";

    /// <summary>Applies the saved precisions, int8 pools and weight width to a network built from <see cref="Description"/>.</summary>
    public void ConfigureNetwork(GraphNetwork network)
    {
        network.SelectQuantizedPools(QuantizedPools ?? []);
        network.Configure(Precisions);
        network.WeightBits = WeightBits;
        network.BatchNormFreezeSteps = BatchNormFreezeSteps;
    }

    public void Save(GraphNetwork network, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        AtomicFile.Write(path, temporary => network.save(temporary));
        AtomicFile.WriteText(SidecarPath(path), JsonSerializer.Serialize(this, Json));
    }

    /// <summary>The sidecar alone (description, history, ...), without building the network or loading libtorch.</summary>
    public static ModelBundle ReadMetadata(string path)
    {
        string sidecar = SidecarPath(path);
        if (!File.Exists(sidecar))
        {
            throw new FileNotFoundException($"{sidecar} does not exist; {path} is not a model written by 'train' or 'qat'");
        }

        ModelBundle? read;
        try
        {
            read = JsonSerializer.Deserialize<ModelBundle>(JsonFile.ReadText(sidecar, "a model sidecar"), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: not a model sidecar ({e.Message})", e);
        }

        return read ?? throw new InvalidDataException($"{sidecar} is empty");
    }

    public static (ModelBundle Bundle, GraphNetwork Network) Load(string path)
    {
        string sidecar = SidecarPath(path);
        if (!File.Exists(path) || !File.Exists(sidecar))
        {
            throw new FileNotFoundException($"{path} is not a trained model (it needs {Path.GetFileName(path)} and {Path.GetFileName(sidecar)}); run 'modelc-train train' first");
        }

        var bundle = ReadMetadata(path);
        UserFile.CheckReadable(path, "a TorchSharp weights file");
        var description = bundle.Description.Validated(sidecar);
        var network = new GraphNetwork(description);
        network.load(path);
        bundle.ConfigureNetwork(network);
        return (bundle with { Description = description }, network);
    }
}

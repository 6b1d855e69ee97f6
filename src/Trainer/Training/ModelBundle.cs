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
    [JsonPropertyName("dataset")] public required string Dataset { get; init; }
    [JsonPropertyName("history")] public required List<EpochRecord> History { get; init; }
    /// <summary>Width of the int8 layers' weights (8, or 7 after <c>--weight-bits 7</c>); absent in older files, meaning 8.</summary>
    [JsonPropertyName("weight_bits")] public int WeightBits { get; init; } = Int8Weights.FullBits;
    /// <summary>Test-set accuracy of the float model, once measured (the export table's first column).</summary>
    [JsonPropertyName("float_accuracy")] public double? FloatAccuracy { get; init; }

    public static string SidecarPath(string path) => path + ".json";

    public void Save(SequentialNetwork network, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        AtomicFile.Write(path, temporary => network.save(temporary));
        AtomicFile.WriteText(SidecarPath(path), JsonSerializer.Serialize(this, Json));
    }

    public static (ModelBundle Bundle, SequentialNetwork Network) Load(string path)
    {
        string sidecar = SidecarPath(path);
        if (!File.Exists(path) || !File.Exists(sidecar))
        {
            throw new FileNotFoundException($"{path} is not a trained model (it needs {Path.GetFileName(path)} and {Path.GetFileName(sidecar)}); run 'modelc-train train' first");
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

        var bundle = read ?? throw new InvalidDataException($"{sidecar} is empty");
        UserFile.CheckReadable(path, "a TorchSharp weights file");
        var description = bundle.Description.Validated(sidecar);
        var network = new SequentialNetwork(description);
        network.load(path);
        network.Configure(bundle.Precisions);
        network.WeightBits = bundle.WeightBits;
        return (bundle with { Description = description }, network);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Models;
using TorchSharp.Modules;

namespace ModelCompiler.Trainer.Training;

/// <summary>
/// The last finished epoch of a training phase, in a folder: <c>model-&lt;phase&gt;-e&lt;n&gt;.bin</c> (weights and observer
/// buffers), <c>optimizer-&lt;phase&gt;-e&lt;n&gt;.bin</c> (Adam's moments) and <c>state.json</c>, written last and atomically,
/// which names them. A crash at any moment leaves the previous state.json and the files it names intact. With
/// <c>best_model_file</c> the folder also keeps the weights of the epoch with the best validation accuracy so far
/// (<c>model-&lt;phase&gt;-best-e&lt;n&gt;.bin</c>), for <see cref="TrainingOptions.KeepBest"/>.
/// </summary>
public sealed record Checkpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("phase")] public required string Phase { get; init; }
    [JsonPropertyName("completed_epochs")] public required int CompletedEpochs { get; init; }
    [JsonPropertyName("model_file")] public required string ModelFile { get; init; }
    [JsonPropertyName("optimizer_file")] public required string OptimizerFile { get; init; }
    [JsonPropertyName("bundle")] public required ModelBundle Bundle { get; init; }
    /// <summary>Epoch whose weights <see cref="BestModelFile"/> holds (best validation accuracy of the phase so far).</summary>
    [JsonPropertyName("best_epoch")] public int? BestEpoch { get; init; }
    [JsonPropertyName("best_model_file")] public string? BestModelFile { get; init; }

    public static string StatePath(string folder) => Path.Combine(folder, "state.json");

    public static Checkpoint? TryRead(string folder)
    {
        string state = StatePath(folder);
        if (!File.Exists(state))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Checkpoint>(JsonFile.ReadText(state, "a checkpoint state"), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{state}: not a checkpoint state ({e.Message})", e);
        }
    }

    /// <summary>
    /// Saves the state after <paramref name="completedEpochs"/>; <paramref name="bestEpoch"/> is the phase's epoch with
    /// the best validation accuracy so far (when it is this epoch, its weights are also kept as the best model).
    /// </summary>
    public static Checkpoint Write(
        string folder, string phase, int completedEpochs, GraphNetwork network, Adam optimizer, ModelBundle bundle, int? bestEpoch = null)
    {
        Directory.CreateDirectory(folder);
        var previous = TryRead(folder);
        string? bestFile = bestEpoch is null ? null
            : bestEpoch == completedEpochs ? $"model-{phase}-best-e{completedEpochs}.bin"
            : previous is { Phase: var p, BestEpoch: var e, BestModelFile: { } file } && p == phase && e == bestEpoch ? file
            : throw new InvalidOperationException($"{folder} does not hold the weights of {phase} epoch {bestEpoch}");
        var checkpoint = new Checkpoint
        {
            Phase = phase,
            CompletedEpochs = completedEpochs,
            ModelFile = $"model-{phase}-e{completedEpochs}.bin",
            OptimizerFile = $"optimizer-{phase}-e{completedEpochs}.bin",
            Bundle = bundle,
            BestEpoch = bestEpoch,
            BestModelFile = bestFile,
        };
        AtomicFile.Write(Path.Combine(folder, checkpoint.ModelFile), t => network.save(t));
        AtomicFile.Write(Path.Combine(folder, checkpoint.OptimizerFile), t => optimizer.save_state_dict(t));
        if (bestFile is not null && bestEpoch == completedEpochs)
        {
            AtomicFile.Write(Path.Combine(folder, bestFile), t => network.save(t));
        }

        AtomicFile.WriteText(StatePath(folder), JsonSerializer.Serialize(checkpoint, Json));
        if (previous is not null)
        {
            var current = new[] { checkpoint.ModelFile, checkpoint.OptimizerFile, checkpoint.BestModelFile };
            foreach (string? old in new[] { previous.ModelFile, previous.OptimizerFile, previous.BestModelFile })
            {
                if (old is not null && !current.Contains(old))
                {
                    File.Delete(Path.Combine(folder, old));
                }
            }
        }

        return checkpoint;
    }

    /// <summary>Loads the weights of the best epoch into <paramref name="network"/> (built like the one saved).</summary>
    public void RestoreBest(string folder, GraphNetwork network) =>
        network.load(Checked(folder, BestModelFile ?? throw new InvalidOperationException($"{folder} keeps no best-epoch weights")));

    /// <summary>The network as it was after the checkpoint's epoch (for evaluation).</summary>
    public GraphNetwork LoadNetwork(string folder)
    {
        var network = new GraphNetwork(Bundle.Description.Validated(StatePath(folder)));
        network.load(Checked(folder, ModelFile));
        Bundle.ConfigureNetwork(network);
        return network;
    }

    /// <summary>Restores weights, buffers and optimizer state into objects built like the ones saved.</summary>
    public void Restore(string folder, GraphNetwork network, Adam optimizer)
    {
        network.load(Checked(folder, ModelFile));
        optimizer.load_state_dict(Checked(folder, OptimizerFile));
    }

    /// <summary>A file named by state.json, checked before TorchSharp reads it (a device or an empty file is an error naming it).</summary>
    private static string Checked(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        UserFile.CheckReadable(path, "a TorchSharp checkpoint file");
        return path;
    }
}

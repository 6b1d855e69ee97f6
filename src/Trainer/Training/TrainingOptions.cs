using ModelCompiler.Trainer.Data;

namespace ModelCompiler.Trainer.Training;

/// <summary>Settings of one training phase (float training or QAT fine-tuning).</summary>
public sealed record TrainingOptions
{
    public string Phase { get; init; } = "float";
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Keras's Adam epsilon ("epsilon hat", added to sqrt(v) before bias correction; see <see cref="KerasAdam"/>).</summary>
    public double AdamEpsilon { get; init; } = KerasAdam.DefaultEpsilon;
    public int Seed { get; init; } = 1234;
    public Augmenter? Augmenter { get; init; }
    /// <summary>Folder for per-epoch checkpoints; null writes none.</summary>
    public string? CheckpointFolder { get; init; }
    /// <summary>Continue from the checkpoint folder's last finished epoch of this phase.</summary>
    public bool Resume { get; init; }
    /// <summary>
    /// End with the weights of the epoch with the best validation accuracy (the first of equals) instead of the last
    /// epoch's; needs <see cref="CheckpointFolder"/>, which keeps those weights between epochs and across --resume.
    /// </summary>
    public bool KeepBest { get; init; }

    /// <summary>The recipe in one line for provenance, e.g. "float: 25 epochs, batch 16, Adam lr 0.0005 ...".</summary>
    public string Describe(IReadOnlyList<EpochRecord> history, string? detail = null)
    {
        string kept = KeepBest && EpochRecord.BestEpoch(history, Phase) is { } best
            ? $"; kept epoch {best} of {Epochs} (best validation accuracy {history.First(h => h.Phase == Phase && h.Epoch == best).ValidationAccuracy:F4})"
            : $"; kept the last epoch";
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{Phase}: {Epochs} epochs, batch {BatchSize}, Adam lr {LearningRate} (Keras epsilon {AdamEpsilon}), " +
            $"{(Augmenter is { } a ? "augmentation " + a : "no augmentation")}, seed {Seed}{(detail is null ? "" : ", " + detail)}{kept}");
    }
}

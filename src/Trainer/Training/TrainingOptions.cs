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
}

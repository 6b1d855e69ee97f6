using System.CommandLine;

namespace ModelCompiler.Trainer.Cli;

/// <summary>Options of the commands that train for epochs (train, qat), with each command's defaults.</summary>
public sealed class EpochOptions(int defaultEpochs, double defaultLearningRate)
{
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => defaultEpochs };

    public Option<double> LearningRate { get; } = new("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => defaultLearningRate };

    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the last finished epoch of this command in <output>.checkpoints/." };

    public Option<bool> KeepBest { get; } = new("--keep-best")
    {
        Description = "End with the weights of the epoch with the best validation accuracy (kept in the checkpoint folder), not the last epoch's. Use with --val-fraction, so the choice is not made on the test set.",
    };

    public Option<bool> Augment { get; } = new("--augment")
    {
        Description = "Train on the seed's augmentation: zoom 0.3, rotation 25 degrees, shear 0.1 (the seed's QAT fit uses the same augmented generator).",
    };
}

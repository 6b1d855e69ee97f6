using System.CommandLine;

namespace ModelCompiler.Trainer.Cli;

/// <summary>Options of the commands that train for epochs (train, qat), with each command's defaults.</summary>
public sealed class EpochOptions(int defaultEpochs, double defaultLearningRate)
{
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => defaultEpochs };

    public Option<double> LearningRate { get; } = new("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => defaultLearningRate };

    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the last finished epoch of this command in <output>.checkpoints/." };
}

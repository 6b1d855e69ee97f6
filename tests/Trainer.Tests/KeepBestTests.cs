using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Native;
using ModelCompiler.Trainer.Training;
using TorchSharp;

namespace ModelCompiler.Trainer.Tests;

[Trait("Category", "Slow")]
public sealed class KeepBestTests
{
    [Fact]
    public void Keep_best_ends_with_the_weights_of_the_best_validation_epoch_and_keeps_only_its_files()
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        var train = FashionMnist.Load(true).Sample(512, 3);
        var validation = FashionMnist.Load(false).Sample(200, 4);
        using var folder = new TestFolder();
        var options = new TrainingOptions { Epochs = 4, BatchSize = 32, Seed = 5, CheckpointFolder = folder.File("ckpt"), KeepBest = true };

        torch.manual_seed(5);
        using var network = new GraphNetwork(BuiltInModels.FashionCnn);
        var history = TrainingLoop.Run(network, train, validation, options, Template(train), new SilentProgress());

        int best = EpochRecord.BestEpoch(history, "float")!.Value;
        Assert.Equal(history.Max(h => h.ValidationAccuracy), history[best - 1].ValidationAccuracy);
        Assert.Equal(history[best - 1].ValidationAccuracy, Evaluator.Accuracy(network, validation));
        var checkpoint = Checkpoint.TryRead(options.CheckpointFolder)!;
        Assert.Equal(best, checkpoint.BestEpoch);
        var files = Directory.GetFiles(options.CheckpointFolder).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(new[] { $"model-float-best-e{best}.bin", "model-float-e4.bin", "optimizer-float-e4.bin", "state.json" }.Order(), files);
    }

    [Fact]
    public void The_best_weights_survive_later_epochs_and_are_replaced_by_a_better_one()
    {
        TorchRuntime.EnsureLoaded();
        var train = FashionMnist.Load(true).Sample(64, 3);
        using var folder = new TestFolder();
        string target = folder.File("ckpt");
        using var network = new GraphNetwork(BuiltInModels.FashionCnn);
        using var adam = new KerasAdam(network.parameters(), 1e-3);
        var bundle = Template(train);
        var weight = network.parameters().First();

        Checkpoint.Write(target, "float", 1, network, adam.Optimizer, bundle, bestEpoch: 1);
        float atEpoch1 = weight.data<float>()[0];
        using (torch.no_grad())
        {
            weight.add_(1f);
        }

        Checkpoint.Write(target, "float", 2, network, adam.Optimizer, bundle, bestEpoch: 1);
        Checkpoint.TryRead(target)!.RestoreBest(target, network);
        Assert.Equal(atEpoch1, weight.data<float>()[0]);

        Checkpoint.Write(target, "float", 3, network, adam.Optimizer, bundle, bestEpoch: 3);
        Assert.False(File.Exists(Path.Combine(target, "model-float-best-e1.bin")));
        Assert.True(File.Exists(Path.Combine(target, "model-float-best-e3.bin")));
        Assert.Throws<InvalidOperationException>(() => Checkpoint.Write(target, "float", 4, network, adam.Optimizer, bundle, bestEpoch: 2));
        Assert.Throws<ArgumentException>(() => TrainingLoop.Run(
            network, train, train, new TrainingOptions { Epochs = 1, KeepBest = true }, bundle, new SilentProgress()));
    }

    private static ModelBundle Template(ImageDataset train) => new()
    {
        Description = BuiltInModels.FashionCnn,
        Classes = [.. train.Classes],
        Precisions = [Format.Precision.Float32, Format.Precision.Float32, Format.Precision.Float32, Format.Precision.Float32],
        Dataset = "test",
        History = [],
    };
}

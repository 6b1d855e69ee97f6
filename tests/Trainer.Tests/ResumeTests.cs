using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Native;
using ModelCompiler.Trainer.Training;
using TorchSharp;

namespace ModelCompiler.Trainer.Tests;

[Trait("Category", "Slow")]
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ResumeTests
{
    private sealed class InterruptingProgress(int epoch, int batch, CancellationTokenSource cancel) : ITrainingProgress
    {
        private int currentEpoch;

        public void EpochStarted(string phase, int e, int epochs, int batches) => currentEpoch = e;

        public void BatchFinished(int b, double meanLoss, double accuracy)
        {
            if (currentEpoch == epoch && b == batch)
            {
                cancel.Cancel();
            }
        }

        public void EpochFinished(EpochRecord record)
        {
        }

        public void Message(string text)
        {
        }
    }

    [Fact]
    public void Resuming_after_an_interrupted_epoch_continues_from_the_checkpoint_exactly()
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        var train = FashionMnist.Load(true).Sample(768, 1);
        var test = FashionMnist.Load(false).Sample(200, 2);
        var description = BuiltInModels.FashionCnn;
        using var folder = new TestFolder();
        var template = new ModelBundle
        {
            Description = description,
            Classes = [.. train.Classes],
            Precisions = [Format.Precision.Float32, Format.Precision.Float32, Format.Precision.Float32, Format.Precision.Float32],
            Dataset = "test",
            History = [],
        };
        TrainingOptions Options(string name, bool resume) => new()
        {
            Epochs = 2, BatchSize = 64, Seed = 11, CheckpointFolder = folder.File(name), Resume = resume,
        };

        torch.manual_seed(11);
        using var uninterrupted = new GraphNetwork(description);
        var full = TrainingLoop.Run(uninterrupted, train, test, Options("a", false), template, new SilentProgress());

        torch.manual_seed(11);
        using var interrupted = new GraphNetwork(description);
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            TrainingLoop.Run(interrupted, train, test, Options("b", false), template, new InterruptingProgress(2, 5, cancel), cancel.Token));
        var checkpoint = Checkpoint.TryRead(folder.File("b"));
        Assert.NotNull(checkpoint);
        Assert.Equal(1, checkpoint.CompletedEpochs);

        torch.manual_seed(999); // different initial weights: everything must come from the checkpoint
        using var resumed = new GraphNetwork(description);
        var continued = TrainingLoop.Run(resumed, train, test, Options("b", true), template, new SilentProgress());

        Assert.Equal(2, continued.Count);
        Assert.Equal(full[1].Loss, continued[1].Loss, 5);
        Assert.Equal(full[1].ValidationAccuracy, continued[1].ValidationAccuracy, 6);
        var expected = uninterrupted.parameters().ToArray();
        var actual = resumed.parameters().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].allclose(actual[i], rtol: 1e-5, atol: 1e-6), $"parameter {i} differs after resume");
        }
    }
}

namespace ModelCompiler.Trainer.Tests;

/// <summary>A fashion-cnn trained once (float, 6,000 images, 3 epochs) for the tests of the Fashion collection.</summary>
public sealed class TrainedFashionModel : IDisposable
{
    public const string Subset = "--train-limit=6000";
    public const string TestSubset = "--test-limit=2000";

    public TrainedFashionModel()
    {
        ModelPath = Folder.File("fashion.tsm");
        TrainOutput = CliRunner.Run0("train", "--model", "fashion-cnn", Subset, TestSubset, "--epochs", "3", "-o", ModelPath);
    }

    public TestFolder Folder { get; } = new();

    public string ModelPath { get; }

    public string TrainOutput { get; }

    public void Dispose() => Folder.Dispose();
}

[CollectionDefinition("fashion")]
public sealed class FashionCollection : ICollectionFixture<TrainedFashionModel>;

namespace ModelCompiler.Trainer.Training;

/// <summary>Receives training progress (the CLI draws progress bars; tests use it to interrupt a run).</summary>
public interface ITrainingProgress
{
    void EpochStarted(string phase, int epoch, int epochs, int batches);

    void BatchFinished(int batch, double meanLoss, double accuracy);

    void EpochFinished(EpochRecord record);

    void Message(string text);
}

/// <summary>Progress that goes nowhere.</summary>
public sealed class SilentProgress : ITrainingProgress
{
    public void EpochStarted(string phase, int epoch, int epochs, int batches)
    {
    }

    public void BatchFinished(int batch, double meanLoss, double accuracy)
    {
    }

    public void EpochFinished(EpochRecord record)
    {
    }

    public void Message(string text)
    {
    }
}

using System.Text.Json.Serialization;

namespace ModelCompiler.Trainer.Training;

/// <summary>
/// One finished epoch of a phase ("float" or "qat"): mean loss, accuracies, wall time and where that time went
/// (preparing batches: augmentation and tensor building; the optimisation steps: forward, backward, Adam; the
/// validation pass). The split is absent (0) in files written before it was recorded.
/// </summary>
public sealed record EpochRecord(
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("train_accuracy")] double TrainAccuracy,
    [property: JsonPropertyName("validation_accuracy")] double ValidationAccuracy,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("images")] int Images = 0,
    [property: JsonPropertyName("batch_seconds")] double BatchSeconds = 0,
    [property: JsonPropertyName("step_seconds")] double StepSeconds = 0,
    [property: JsonPropertyName("validation_seconds")] double ValidationSeconds = 0)
{
    /// <summary>Training images per second of wall time over the whole epoch (validation included).</summary>
    [JsonIgnore]
    public double ImagesPerSecond => Seconds > 0 ? Images / Seconds : 0;

    /// <summary>The epoch of <paramref name="phase"/> with the best validation accuracy (the earliest of equals), or null.</summary>
    public static int? BestEpoch(IEnumerable<EpochRecord> history, string phase) =>
        history.Where(h => h.Phase == phase)
            .OrderByDescending(h => h.ValidationAccuracy)
            .ThenBy(h => h.Epoch)
            .Select(h => (int?)h.Epoch)
            .FirstOrDefault();
}

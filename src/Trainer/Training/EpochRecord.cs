using System.Text.Json.Serialization;

namespace ModelCompiler.Trainer.Training;

/// <summary>One finished epoch of a phase ("float" or "qat"): mean loss, accuracies and wall time.</summary>
public sealed record EpochRecord(
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("train_accuracy")] double TrainAccuracy,
    [property: JsonPropertyName("validation_accuracy")] double ValidationAccuracy,
    [property: JsonPropertyName("seconds")] double Seconds);

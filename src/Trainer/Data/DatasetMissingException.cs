namespace ModelCompiler.Trainer.Data;

/// <summary>A data set is not where it should be; the message says how to get it.</summary>
public sealed class DatasetMissingException(string message) : Exception(message);

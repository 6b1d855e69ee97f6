namespace ModelCompiler.Benchmarks;

/// <summary>Peak working set of a process over its whole run, and while predicting only.</summary>
public sealed record MemoryFigures(long PeakBytes, long PredictingBytes);

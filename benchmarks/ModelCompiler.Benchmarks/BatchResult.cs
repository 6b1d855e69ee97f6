namespace ModelCompiler.Benchmarks;

/// <summary>One batch measurement: <see cref="BatchThroughput.Images"/> images through PredictBatch at a thread cap.</summary>
public sealed record BatchResult(BenchmarkModel Model, int Threads, double MedianNanoseconds, long? AllocatedBytes)
{
    public double ImagesPerSecond => BatchThroughput.Images / (MedianNanoseconds / 1e9);

    /// <summary>Throughput over the same model's single-thread throughput (NaN without a 1-thread result).</summary>
    public double SpeedupOver(IReadOnlyList<BatchResult> all) =>
        all.FirstOrDefault(r => r.Model == Model && r.Threads == 1) is { } single ? single.MedianNanoseconds / MedianNanoseconds : double.NaN;
}

using BenchmarkDotNet.Attributes;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// The generated PredictBatch on <see cref="Images"/> images at a thread cap of 1 and 2 (issue 6: a batch of 256 on
/// 2 threads should reach 1.8x the single-thread throughput). Each thread keeps its own arena across calls, as it
/// does in an application, so the warm-up leaves nothing to allocate.
/// </summary>
public class BatchThroughput
{
    public const int Images = 256;

    private BenchmarkModel model = null!;
    private float[] inputs = [];
    private int[] predictions = [];

    [ParamsSource(nameof(ModelKeys))]
    public string Model { get; set; } = BenchmarkModel.Fashion.Key;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    public static IEnumerable<string> ModelKeys => BenchmarkModel.All.Select(m => m.Key);

    [GlobalSetup]
    public void SetUp()
    {
        model = BenchmarkModel.Find(Model);
        inputs = model.Inputs(seed: 7, Images);
        predictions = new int[Images];
        model.PredictBatch(inputs, predictions, Threads);
    }

    [Benchmark]
    public int PredictBatch()
    {
        model.PredictBatch(inputs, predictions, Threads);
        return predictions[Images - 1];
    }
}

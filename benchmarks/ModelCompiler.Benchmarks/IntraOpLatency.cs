using BenchmarkDotNet.Attributes;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// One image on 1 and 2 threads (issue 15): the generated Predict with <c>IntraOpThreads</c> and ONNX Runtime int8 and
/// float with the same <c>IntraOpNumThreads</c>. Each benchmark sets up only its own engine; the generated class's
/// setting goes back to 1 afterwards so that no other table sees it. Methods are named as <see cref="SideBySide"/>'s,
/// whose <see cref="SideBySide.EngineOf"/> maps them.
/// </summary>
public class IntraOpLatency
{
    private IInferenceEngine engine = null!;
    private BenchmarkModel model = null!;

    [ParamsSource(nameof(ModelKeys))]
    public string Model { get; set; } = BenchmarkModel.Fashion.Key;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>The models whose generated class exposes the setting.</summary>
    public static IEnumerable<string> ModelKeys => BenchmarkModel.All.Where(m => m.SetIntraOpThreads is not null).Select(m => m.Key);

    [GlobalSetup(Target = nameof(Generated))]
    public void SetUpGenerated() => SetUp(EngineKind.Generated);

    [GlobalSetup(Target = nameof(OrtInt8))]
    public void SetUpOrtInt8() => SetUp(EngineKind.OrtInt8);

    [GlobalSetup(Target = nameof(OrtFloat))]
    public void SetUpOrtFloat() => SetUp(EngineKind.OrtFloat);

    [GlobalCleanup]
    public void CleanUp()
    {
        engine.Dispose();
        model.SetIntraOpThreads?.Invoke(1);
    }

    [Benchmark(Baseline = true)]
    public int Generated() => engine.Predict();

    [Benchmark]
    public int OrtInt8() => engine.Predict();

    [Benchmark]
    public int OrtFloat() => engine.Predict();

    private void SetUp(EngineKind kind)
    {
        model = BenchmarkModel.Find(Model);
        engine = model.CreateEngine(kind, Threads);
        engine.SetInput(model.Input(seed: 1));
        engine.Predict();
    }
}

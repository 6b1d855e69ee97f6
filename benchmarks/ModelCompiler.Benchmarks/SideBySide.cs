using BenchmarkDotNet.Attributes;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// Batch 1, one thread, one input: every engine on the same model. Each benchmark sets up only its own engine, so
/// a session or a libtorch load is never timed and never kept around for another engine's run.
/// </summary>
public class SideBySide
{
    private IInferenceEngine engine = null!;

    [ParamsSource(nameof(ModelKeys))]
    public string Model { get; set; } = BenchmarkModel.Fashion.Key;

    public static IEnumerable<string> ModelKeys => BenchmarkModel.All.Select(m => m.Key);

    [GlobalSetup(Target = nameof(Generated))]
    public void SetUpGenerated() => SetUp(EngineKind.Generated);

    [GlobalSetup(Target = nameof(Interpreter))]
    public void SetUpInterpreter() => SetUp(EngineKind.Interpreter);

    [GlobalSetup(Target = nameof(OrtFloat))]
    public void SetUpOrtFloat() => SetUp(EngineKind.OrtFloat);

    [GlobalSetup(Target = nameof(OrtInt8))]
    public void SetUpOrtInt8() => SetUp(EngineKind.OrtInt8);

    [GlobalSetup(Target = nameof(TorchFloat))]
    public void SetUpTorchFloat() => SetUp(EngineKind.TorchFloat);

    [GlobalCleanup]
    public void CleanUp() => engine.Dispose();

    [Benchmark(Baseline = true)]
    public int Generated() => engine.Predict();

    [Benchmark]
    public int Interpreter() => engine.Predict();

    [Benchmark]
    public int OrtFloat() => engine.Predict();

    [Benchmark]
    public int OrtInt8() => engine.Predict();

    [Benchmark]
    public int TorchFloat() => engine.Predict();

    /// <summary>The engine a benchmark method of this class measures.</summary>
    public static EngineKind EngineOf(string methodName) => methodName switch
    {
        nameof(Generated) => EngineKind.Generated,
        nameof(Interpreter) => EngineKind.Interpreter,
        nameof(OrtFloat) => EngineKind.OrtFloat,
        nameof(OrtInt8) => EngineKind.OrtInt8,
        nameof(TorchFloat) => EngineKind.TorchFloat,
        _ => throw new ArgumentException($"no engine for benchmark method '{methodName}'"),
    };

    private void SetUp(EngineKind kind)
    {
        var model = BenchmarkModel.Find(Model);
        engine = model.CreateEngine(kind);
        engine.SetInput(model.Input(seed: 1));
        engine.Predict();
    }
}

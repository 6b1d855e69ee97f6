using BenchmarkDotNet.Attributes;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// The imported MobileNetV2 (issue 13) at batch 1, one thread: the generated class against ONNX Runtime int8 on our
/// QDQ export of the same imported .qmodel, and ONNX Runtime float. Each benchmark sets up only its own engine; its
/// methods are named as <see cref="SideBySide"/>'s, whose <see cref="SideBySide.EngineOf"/> maps them.
/// </summary>
public class ImportedModelLatency
{
    private IInferenceEngine engine = null!;

    [GlobalSetup(Target = nameof(Generated))]
    public void SetUpGenerated() => SetUp(EngineKind.Generated);

    [GlobalSetup(Target = nameof(OrtInt8))]
    public void SetUpOrtInt8() => SetUp(EngineKind.OrtInt8);

    [GlobalSetup(Target = nameof(OrtFloat))]
    public void SetUpOrtFloat() => SetUp(EngineKind.OrtFloat);

    [GlobalCleanup]
    public void CleanUp() => engine.Dispose();

    [Benchmark(Baseline = true)]
    public int Generated() => engine.Predict();

    [Benchmark]
    public int OrtInt8() => engine.Predict();

    [Benchmark]
    public int OrtFloat() => engine.Predict();

    private void SetUp(EngineKind kind)
    {
        engine = BenchmarkModel.Imported.CreateEngine(kind);
        engine.SetInput(BenchmarkModel.Imported.Input(seed: 1));
        engine.Predict();
    }
}

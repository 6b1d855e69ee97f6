using BenchmarkDotNet.Attributes;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Benchmarks;

/// <summary>Batch 1, single thread: the generated Predict against the reference interpreter on the same model file.</summary>
[MemoryDiagnoser]
public class GeneratedVersusInterpreter
{
    private byte[] fashionPixels = [];
    private ReferenceInterpreter fashionInterpreter = null!;
#if HAS_INTEL_MODEL
    private byte[] intelPixels = [];
    private ReferenceInterpreter intelInterpreter = null!;
#endif

    [GlobalSetup]
    public void Setup()
    {
        fashionInterpreter = new ReferenceInterpreter(QModelReader.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "fashion-cnn.qmodel"))));
        fashionPixels = RandomPixels(FashionCnn.InputLength, 1);
#if HAS_INTEL_MODEL
        intelInterpreter = new ReferenceInterpreter(QModelReader.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "intel-cnn.qmodel"))));
        intelPixels = RandomPixels(IntelCnn.InputLength, 2);
#endif
    }

    [Benchmark]
    public int FashionGenerated() => FashionCnn.Predict(fashionPixels);

    [Benchmark]
    public int FashionInterpreter() => fashionInterpreter.Run(fashionPixels).ArgMax;

#if HAS_INTEL_MODEL
    [Benchmark]
    public int IntelGenerated() => IntelCnn.Predict(intelPixels);

    [Benchmark]
    public int IntelInterpreter() => intelInterpreter.Run(intelPixels).ArgMax;
#endif

    private static byte[] RandomPixels(int length, int seed)
    {
        var pixels = new byte[length];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}

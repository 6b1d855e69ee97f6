using System.Reflection;
using ModelCompiler.Benchmarks.Engines;
using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Onnx;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// A model under test: the .qmodel file compiled into this program (see the csproj) and its generated class.
/// The only file that names the generated classes.
/// </summary>
public sealed class BenchmarkModel
{
    public static readonly BenchmarkModel Fashion = new(
        "fashion-cnn", "fashion.qmodel", "FashionModel", FashionClassifier.InputLength, FashionClassifier.ArenaBytes, FashionClassifier.PredictBatch,
        () => new GeneratedEngine(FashionClassifier.Predict, FashionClassifier.PredictProbabilities, FashionClassifier.InputLength, FashionClassifier.ClassCount))
    {
        SetIntraOpThreads = threads => FashionClassifier.IntraOpThreads = threads,
        IntraOpSplits = FashionClassifier.IntraOpLargestLayerMacs >= FashionClassifier.IntraOpMinimumMacs,
        StepTiming = new(FashionClassifier.PredictTimed, FashionClassifier.StepNames, FashionClassifier.StepMacs),
    };

    public static readonly BenchmarkModel Intel = new(
        "intel-cnn", "intel.qmodel", "IntelModel", IntelClassifier.InputLength, IntelClassifier.ArenaBytes, IntelClassifier.PredictBatch,
        () => new GeneratedEngine(IntelClassifier.Predict, IntelClassifier.PredictProbabilities, IntelClassifier.InputLength, IntelClassifier.ClassCount))
    {
        SetIntraOpThreads = threads => IntelClassifier.IntraOpThreads = threads,
        IntraOpSplits = IntelClassifier.IntraOpLargestLayerMacs >= IntelClassifier.IntraOpMinimumMacs,
        StepTiming = new(IntelClassifier.PredictTimed, IntelClassifier.StepNames, IntelClassifier.StepMacs),
    };

    public static readonly BenchmarkModel MobileNet = new(
        "intel-mobilenet", "intel-mobilenet.qmodel", "IntelMobileNetModel", IntelMobileNet.InputLength,
        IntelMobileNet.ArenaBytes, IntelMobileNet.PredictBatch,
        () => new GeneratedEngine(
            IntelMobileNet.Predict, IntelMobileNet.PredictProbabilities,
            IntelMobileNet.InputLength, IntelMobileNet.ClassCount))
    {
        SetIntraOpThreads = threads => IntelMobileNet.IntraOpThreads = threads,
        IntraOpSplits = IntelMobileNet.IntraOpLargestLayerMacs >= IntelMobileNet.IntraOpMinimumMacs,
        StepTiming = new(IntelMobileNet.PredictTimed, IntelMobileNet.StepNames, IntelMobileNet.StepMacs),
    };

    public static readonly IReadOnlyList<BenchmarkModel> All = [Fashion, Intel, MobileNet];

    /// <summary>
    /// TensorFlow's int8 MobileNetV2 imported from .tflite (issue 13), 300 M MACs: timed against ONNX Runtime on its own
    /// (<see cref="ImportedModelLatency"/>), not in <see cref="All"/>, whose interpreter and TorchSharp rows would take minutes on it.
    /// </summary>
    public static readonly BenchmarkModel Imported = new(
        "imported-mobilenet-v2", "mobilenet-v2.qmodel", "ImportedModel", MobileNetV2.InputLength,
        MobileNetV2.ArenaBytes, MobileNetV2.PredictBatch,
        () => new GeneratedEngine(
            MobileNetV2.Predict, MobileNetV2.PredictProbabilities,
            MobileNetV2.InputLength, MobileNetV2.ClassCount))
    {
        SetIntraOpThreads = threads => MobileNetV2.IntraOpThreads = threads,
        IntraOpSplits = MobileNetV2.IntraOpLargestLayerMacs >= MobileNetV2.IntraOpMinimumMacs,
        StepTiming = new(MobileNetV2.PredictTimed, MobileNetV2.StepNames, MobileNetV2.StepMacs),
    };

    private readonly Func<IInferenceEngine> generated;
    private QModel? model;

    private BenchmarkModel(string key, string fileName, string metadataKey, int inputLength, int arenaBytes, GeneratedBatchPredict predictBatch, Func<IInferenceEngine> generated)
    {
        PredictBatch = predictBatch;
        Key = key;
        FileName = fileName;
        InputLength = inputLength;
        ArenaBytes = arenaBytes;
        this.generated = generated;
        SourcePath = typeof(BenchmarkModel).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == metadataKey)?.Value ?? fileName;
    }

    /// <summary>fashion-cnn, intel-cnn or intel-mobilenet.</summary>
    public string Key { get; }

    public string FileName { get; }

    /// <summary>The file the build compiled in (a trained sample model, or a random-weight stand-in).</summary>
    public string SourcePath { get; }

    public int InputLength { get; }

    /// <summary>The generated class's scratch arena per thread.</summary>
    public int ArenaBytes { get; }

    /// <summary>The generated class's batch prediction over all cores (float input overload).</summary>
    public GeneratedBatchPredict PredictBatch { get; }

    /// <summary>Sets the generated class's IntraOpThreads (threads for one Predict call); null for a model not in the intra-op table.</summary>
    public Action<int>? SetIntraOpThreads { get; private init; }

    /// <summary>Whether IntraOpThreads &gt; 1 splits any layer (the generated size rule); if not, it runs the single-thread code.</summary>
    public bool IntraOpSplits { get; private init; }

    /// <summary>The generated class's per-step timing aid (<see cref="LayerTimes"/>); null for a model without one here.</summary>
    public StepTiming? StepTiming { get; private init; }

    /// <summary>The copy next to the program, the same file the generator compiled.</summary>
    public QModel Model => model ??= QModelFile.Read(Path.Combine(AppContext.BaseDirectory, "Models", FileName));

    /// <summary>Drops the parsed model, so that a memory measurement does not count it.</summary>
    public void ReleaseModel() => model = null;

    /// <summary>True for the trainer's output; the stand-ins carry an "origin synthetic..." provenance entry.</summary>
    public bool IsSynthetic => Model.Provenance.Any(p => p.Key == "origin" && p.Value.StartsWith("synthetic", StringComparison.Ordinal));

    public static BenchmarkModel Find(string key) =>
        All.Append(Imported).FirstOrDefault(m => m.Key == key) ?? throw new ArgumentException($"unknown model '{key}'; expected {string.Join(" or ", All.Select(m => m.Key))}");

    public IInferenceEngine CreateEngine(EngineKind kind) => kind switch
    {
        EngineKind.Generated => generated(),
        EngineKind.Interpreter => new InterpreterEngine(Model),
        EngineKind.OrtFloat => new OnnxRuntimeEngine(Model, OnnxExportKind.Float),
        EngineKind.OrtInt8 => new OnnxRuntimeEngine(Model, OnnxExportKind.QuantizedQdq),
        _ => new TorchEngine(Model),
    };

    /// <summary>An engine whose one call uses <paramref name="threads"/> threads: the generated class or ONNX Runtime (IntraOpNumThreads).</summary>
    public IInferenceEngine CreateEngine(EngineKind kind, int threads)
    {
        if (kind == EngineKind.Generated)
        {
            (SetIntraOpThreads ?? throw new InvalidOperationException($"{Key} has no intra-op setting"))(threads);
            return generated();
        }

        return kind switch
        {
            EngineKind.OrtFloat => new OnnxRuntimeEngine(Model, OnnxExportKind.Float, threads),
            EngineKind.OrtInt8 => new OnnxRuntimeEngine(Model, OnnxExportKind.QuantizedQdq, threads),
            _ => throw new ArgumentException($"{kind.Title()} has no intra-op thread setting here", nameof(kind)),
        };
    }

    /// <summary>
    /// A deterministic input: random pixels / 255, the trainer's preprocessing. Built without reading the model
    /// file, so that the generated engine's memory figure holds no parsed model; the values change no engine's work.
    /// </summary>
    public float[] Input(int seed) => Inputs(seed, 1);

    /// <summary><paramref name="count"/> such inputs one after another, as <see cref="PredictBatch"/> takes them.</summary>
    public float[] Inputs(int seed, int count)
    {
        var random = new Random(seed);
        var input = new float[InputLength * count];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = random.Next(256) / 255f;
        }

        return input;
    }
}

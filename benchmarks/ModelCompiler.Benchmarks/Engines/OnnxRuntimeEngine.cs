using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ModelCompiler.Format;
using ModelCompiler.Onnx;

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>
/// ONNX Runtime on the model's ONNX export, set up for its lowest-overhead batch-1 call: one intra-op and one
/// inter-op thread, every graph optimization, input and output <see cref="OrtValue"/>s over pinned arrays allocated
/// once, and <c>Run(runOptions, names, values, names, values)</c>, which writes into them.
/// </summary>
public sealed class OnnxRuntimeEngine : IInferenceEngine
{
    public const string InputName = "input";
    public const string OutputName = "output";

    private readonly QModel model;
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly float[] input;
    private readonly float[] output;
    private readonly OrtValue inputValue;
    private readonly OrtValue outputValue;
    private readonly string[] inputNames = [InputName];
    private readonly string[] outputNames = [OutputName];
    private readonly OrtValue[] inputValues;
    private readonly OrtValue[] outputValues;

    /// <param name="model">The model, exported to ONNX here.</param>
    /// <param name="kind">Float or int8 QDQ export.</param>
    /// <param name="intraOpThreads">ONNX Runtime's IntraOpNumThreads (1 in the single-thread table).</param>
    public OnnxRuntimeEngine(QModel model, OnnxExportKind kind, int intraOpThreads = 1)
    {
        this.model = model;
        using (var options = SingleThreadOptions())
        {
            options.IntraOpNumThreads = intraOpThreads;
            session = new InferenceSession(OnnxExporter.Export(model, kind).ToByteArray(), options);
        }

        var shape = model.InputShape;
        input = new float[shape.Length];
        output = new float[TensorChain.Infer(model)[^1].Shape.Length];
        inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, shape.Channels, shape.Height, shape.Width]);
        outputValue = OrtValue.CreateTensorValueFromMemory(output, [1, output.Length]);
        inputValues = [inputValue];
        outputValues = [outputValue];
    }

    /// <summary>The options of the timed sessions (also used for the fusion check, plus an output path).</summary>
    public static SessionOptions SingleThreadOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
    };

    public void SetInput(ReadOnlySpan<float> values) => InputLayouts.ToNchw(model, values, input);

    public int Predict()
    {
        session.Run(runOptions, inputNames, inputValues, outputNames, outputValues);
        return ArgMax.Of(output);
    }

    public float[] Probabilities()
    {
        Predict();
        return (float[])output.Clone();
    }

    public void Dispose()
    {
        inputValue.Dispose();
        outputValue.Dispose();
        runOptions.Dispose();
        session.Dispose();
    }
}

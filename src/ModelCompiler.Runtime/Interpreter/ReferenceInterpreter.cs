using System.Numerics.Tensors;
using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.IO;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Runs any valid <see cref="QModel"/> with plain loops that follow the project's arithmetic exactly
/// (docs/arithmetic.md): the oracle generated code must match bit for bit, and a run-time loader for models
/// that are not compiled in. Layers run in the file's order, each on the tensors it names; a tensor is kept until its
/// last reader has run. Thread-safe: all model-derived state is prepared in the constructor and never mutated.
/// </summary>
public sealed class ReferenceInterpreter
{
    private readonly ModelGraph _graph;
    private readonly LayerKernel[] _kernels;

    /// <summary>For each layer that runs, the tensors whose last reader it is: they can be dropped after it.</summary>
    private readonly int[][] _released;

    private readonly int _output;

    /// <summary>Validates the model (TensorChain.InferGraph) and prepares every layer's kernel.</summary>
    /// <exception cref="QModelFormatException">The model's layers do not connect or its constants are invalid.</exception>
    public ReferenceInterpreter(QModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _graph = TensorChain.InferGraph(model);
        var tensors = _graph.Tensors;

        // Softmax is only ever last; the result applies it to the scores (the tensor it reads), so it needs no kernel.
        int computed = model.Layers.Count;
        _output = _graph.OutputTensor;
        if (model.Layers[computed - 1] is SoftmaxLayer)
        {
            computed--;
            _output = _graph.InputsOf(computed)[0];
        }

        _kernels = new LayerKernel[computed];
        var released = new List<int>[computed];
        for (int i = 0; i < computed; i++)
        {
            var inputs = _graph.InputsOf(i).Select(t => tensors[t]).ToArray();
            _kernels[i] = KernelCatalog.Create(model.Layers[i], inputs, tensors[ModelGraph.OutputOf(i)], model.Layers[i].RoundingIn(model));
            released[i] = [];
        }

        for (int t = 0; t < tensors.Count; t++)
        {
            int last = _graph.LastConsumerOf(t);
            if (last >= 0 && last < computed && t != _output)
            {
                released[last].Add(t);
            }
        }

        _released = Array.ConvertAll(released, r => r.ToArray());
        OutputTensor = tensors[_output];
    }

    /// <summary>Reads and validates a <c>.qmodel</c> file and prepares it to run: the run-time loader.</summary>
    /// <exception cref="QModelFormatException">The file is not a valid model (code and line in the exception).</exception>
    /// <exception cref="UserFileException">The file is missing, a folder, a link loop, unreadable, or larger than <see cref="QModelFile.DefaultMaxBytes"/>.</exception>
    public static ReferenceInterpreter Load(string path) => new(QModelFile.Read(path));

    /// <summary>As <see cref="Load(string)"/>, accepting files of up to <paramref name="maxBytes"/> bytes.</summary>
    public static ReferenceInterpreter Load(string path, long maxBytes) => new(QModelFile.Read(path, maxBytes));

    public QModel Model { get; }

    /// <summary>The network input, then each layer's output, as TensorChain inferred them.</summary>
    public IReadOnlyList<TensorInfo> Tensors => _graph.Tensors;

    /// <summary>Which tensors each layer reads and who reads each tensor.</summary>
    public ModelGraph Graph => _graph;

    /// <summary>The pre-softmax output tensor: what <see cref="InferenceResult.Int8Output"/> or Scores hold.</summary>
    public TensorInfo OutputTensor { get; }

    /// <summary>Number of input values (H * W * C) <see cref="Run(ReadOnlySpan{float})"/> expects.</summary>
    public int InputLength => Model.InputShape.Length;

    /// <summary>Runs the model on float input given in <see cref="QModel.InputLayout"/> order.</summary>
    /// <exception cref="ArgumentException">The input does not have <see cref="InputLength"/> values.</exception>
    public InferenceResult Run(ReadOnlySpan<float> input)
    {
        CheckLength(input.Length, nameof(input));
        var hwc = ToHwc(input);
        var values = new TensorValue?[_graph.Tensors.Count];
        values[0] = Model.InputQuant is { } inputQuant
            ? TensorValue.OfInt8(Model.InputShape, QuantizeKernel.Quantize(hwc, inputQuant))
            : TensorValue.OfFloat(Model.InputShape, hwc);
        for (int i = 0; i < _kernels.Length; i++)
        {
            var reads = _graph.InputsOf(i);
            var inputs = new TensorValue[reads.Count];
            for (int k = 0; k < inputs.Length; k++)
            {
                inputs[k] = values[reads[k]]!;
            }

            values[ModelGraph.OutputOf(i)] = _kernels[i].Run(inputs);
            foreach (int t in _released[i])
            {
                values[t] = null;
            }
        }

        return ToResult(values[_output]!);
    }

    /// <summary>
    /// Runs the model on raw 8-bit pixels in <see cref="QModel.InputLayout"/> order, preprocessed as
    /// <c>pixel * Scale + Offset</c> in float32 (so it equals <see cref="Run(ReadOnlySpan{float})"/> on those floats).
    /// </summary>
    /// <exception cref="ArgumentException">The input does not have <see cref="InputLength"/> values.</exception>
    public InferenceResult Run(ReadOnlySpan<byte> pixels)
    {
        CheckLength(pixels.Length, nameof(pixels));
        var x = new float[pixels.Length];
        Model.Preprocessing.Apply(pixels, x);
        return Run(x);
    }

    private void CheckLength(int length, string parameter)
    {
        if (length != InputLength)
        {
            var shape = Model.InputShape;
            throw new ArgumentException(
                $"model '{Model.Name}' expects {InputLength} input values ({shape.Height}x{shape.Width}x{shape.Channels} in " +
                $"{Model.InputLayout.ToString().ToLowerInvariant()} order) but received {length}",
                parameter);
        }
    }

    private float[] ToHwc(ReadOnlySpan<float> input)
    {
        if (Model.InputLayout == InputLayout.Hwc)
        {
            return input.ToArray();
        }

        int height = Model.InputShape.Height, width = Model.InputShape.Width, channels = Model.InputShape.Channels;
        var hwc = new float[input.Length];
        for (int c = 0; c < channels; c++)
        {
            for (int h = 0; h < height; h++)
            {
                for (int w = 0; w < width; w++)
                {
                    hwc[((h * width) + w) * channels + c] = input[((c * height) + h) * width + w];
                }
            }
        }

        return hwc;
    }

    private InferenceResult ToResult(TensorValue output)
    {
        sbyte[]? int8 = output.Int8;
        float[] scores;
        int argMax = 0;
        if (int8 is not null)
        {
            var quant = OutputTensor.Quant!.Value;
            scores = new float[int8.Length];
            for (int i = 0; i < int8.Length; i++)
            {
                scores[i] = Quantizer.Dequantize(int8[i], quant);
                if (int8[i] > int8[argMax])
                {
                    argMax = i;
                }
            }
        }
        else
        {
            scores = output.FloatValues;
            for (int i = 1; i < scores.Length; i++)
            {
                // Strictly greater: the first maximum wins, and NaN never replaces a value.
                if (scores[i] > scores[argMax])
                {
                    argMax = i;
                }
            }
        }

        var probabilities = new float[scores.Length];
        TensorPrimitives.SoftMax(scores, probabilities);
        return new InferenceResult(argMax, Model.Labels[argMax], int8, scores, probabilities);
    }
}

using ModelCompiler.Format;
using FormatPadding = ModelCompiler.Format.Padding;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// Maps a validated float ONNX <see cref="SourceModel"/> (no QuantizeLinear) into a float32 <c>.qmodel</c> graph
/// (docs/import.md, "Float ONNX"), which post-training quantization then turns into int8 (the trainer's <c>ptq</c> modes,
/// <c>modelc-train import --calibration-dir</c>). Conv (grouped = depthwise), Gemm and MatMul + Add of a constant become
/// float32 layers; a BatchNormalization that alone reads a convolution's output is folded into it; a Relu or Clip(0, 6)
/// that alone reads a Conv, Gemm, MatMul + Add or Add becomes its fused activation; pools, Flatten, Reshape, Pad, Add and
/// Softmax become their layers. NCHW is the ONNX tensor layout only: the format's Conv weights are OIHW like ONNX's,
/// a Flatten of an NCHW tensor is <c>flatten order chw</c>. Anything else is one problem naming the node and the attribute.
/// </summary>
internal sealed class OnnxFloatMapper
{
    private readonly SourceModel _model;
    private readonly ImportProblems _problems;
    private readonly ImportReport _report;
    private readonly OnnxConstants _constants;
    private readonly Dictionary<int, Value> _values = [];
    private readonly List<Layer> _layers = [];
    private readonly Dictionary<int, int> _readers;

    private OnnxFloatMapper(SourceModel model, ImportProblems problems, ImportReport report)
    {
        _model = model;
        _problems = problems;
        _report = report;
        _constants = new OnnxConstants(model, problems, report);
        _readers = model.Operators.SelectMany(o => o.Inputs).Concat(model.Outputs).Where(t => t >= 0)
            .GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>
    /// A float32 tensor of the format, named by the layer that computes it (or the input). <paramref name="Op"/> and
    /// <paramref name="Rebuild"/> are set while the layer may still take a folded batch norm (<paramref name="Weights"/>)
    /// or a fused activation: the last layer, whose output nothing else reads.
    /// </summary>
    /// <paramref name="ChannelsLast"/> marks an image transposed from NCHW to NHWC, which only a flatten may read (it
    /// becomes <c>flatten order hwc</c>).
    private sealed record Value(string Name, TensorShape Shape, SourceOperator? Op = null, Float32Weights? Weights = null,
        Func<Float32Weights, Activation, Layer>? Rebuild = null, Activation Activation = Activation.None, bool IsMatMul = false, bool ChannelsLast = false);

    /// <summary>The model's float32 layers, header fields and output length, or null after reporting problems.</summary>
    public static MappedGraph? Map(SourceModel model, ImportProblems problems, ImportReport report, Preprocessing preprocessing) =>
        new OnnxFloatMapper(model, problems, report).Run(preprocessing);

    private MappedGraph? Run(Preprocessing preprocessing)
    {
        var input = _model.Tensors[_model.Inputs[0]];
        if (input.Type != ElementType.Float32)
        {
            _problems.Add($"graph input '{input.Name}'", "type", $"{input.Type}: a float model's input must be float32");
            return null;
        }

        var image = TensorShape.Image(input.Shape![2], input.Shape[3], input.Shape[1]);
        _values[input.Index] = new Value(ModelGraph.InputName, image);
        foreach (var op in _model.Operators)
        {
            if (op.Outputs.Count == 0 || op.Outputs[0] < 0 || _constants.IsConstant(op.Outputs[0]))
            {
                continue; // weights and biases: the layer reading them takes them over
            }

            var reads = op.Inputs.Where(i => i >= 0 && !_constants.IsConstant(i)).ToList();
            if (reads.Count == 0 || reads.Any(i => !_values.ContainsKey(i)))
            {
                if (_problems.Count == 0)
                {
                    _problems.Add(op, null, "reads no value that a mapped node produces");
                }

                continue;
            }

            MapOperator(op, reads.Select(i => _values[i]).ToList());
        }

        if (_problems.Count > 0)
        {
            return null;
        }

        var output = _values.GetValueOrDefault(_model.Outputs[0]);
        if (output is null || _layers.Count == 0 || output.Name != _layers[^1].Name || !output.Shape.IsVector)
        {
            _problems.Add($"graph output '{_model.Tensors[_model.Outputs[0]].Name}'", null, "the output must be the vector computed by the last node");
            return null;
        }

        return new MappedGraph(image, preprocessing, null, _layers, output.Shape.Channels);
    }

    private void MapOperator(SourceOperator op, List<Value> inputs)
    {
        var x = inputs[0];
        if (inputs.FirstOrDefault(i => i.ChannelsLast) is { } transposed && op.Type is not ("Flatten" or "Reshape" or "Identity" or "Dropout"))
        {
            _problems.Add(op, "input 0", $"reads the NHWC transpose of {transposed.Name}: only a Flatten or Reshape into [1, N] may read it");
            return;
        }

        switch (op.Type)
        {
            case "Identity" or "Dropout":
                _values[op.Outputs[0]] = x;
                break;
            case "Conv":
                Convolution(op, (ConvolutionOptions)op.Options, x);
                break;
            case "BatchNormalization":
                BatchNorm(op, (BatchNormOptions)op.Options, x);
                break;
            case "Gemm":
                Gemm(op, (GemmOptions)op.Options, x);
                break;
            case "MatMul" when Vector(op, x) && Matrix(op, 1, transposed: false, x.Shape.Length) is { } w:
                Emit(op, (weights, a) => new DenseLayer(NameOf(op, "dense"), weights.OutputChannels, a, weights, null) { Inputs = [x.Name] },
                    new Float32Weights(w, new float[w.Length / x.Shape.Length]), TensorShape.Vector(w.Length / x.Shape.Length), isMatMul: true);
                break;
            case "Add":
                Add(op, inputs);
                break;
            case "Relu" or "Clip":
                Activate(op, x);
                break;
            case "MaxPool" or "AveragePool":
                Pool(op, (PoolOptions)op.Options, x);
                break;
            case "GlobalAveragePool" when Image(op, x):
                Emit(op, new GlobalAveragePoolLayer(NameOf(op, "gap")) { Inputs = [x.Name] }, TensorShape.Vector(x.Shape.Channels));
                break;
            case "Flatten" or "Reshape":
                Flatten(op, x);
                break;
            case "Transpose" when Image(op, x):
                // Validated: perm [0,2,3,1]. The format's tensors are HWC already; the flatten that reads it says so.
                _values[op.Outputs[0]] = x with { Op = null, Rebuild = null, ChannelsLast = true };
                _report.Fold(op, $"NCHW to NHWC before flattening {x.Name}: the flatten's order hwc");
                break;
            case "Pad" when op.Options is PadOptions { Pads: { } p } && p.All(a => a == 0):
                _values[op.Outputs[0]] = x with { Op = null, Rebuild = null };
                _report.Drop(op, "pads nothing (PyTorch writes it before AveragePool)");
                break;
            case "Pad" when Image(op, x) && op.Options is PadOptions { Pads: { } p }:
                // Validated: constant zeros on H and W only; ONNX orders the amounts N, C, H, W begins, then ends.
                var pad = new PadLayer(NameOf(op, "pad"), (int)p[2], (int)p[6], (int)p[3], (int)p[7]) { Inputs = [x.Name] };
                Emit(op, pad, TensorShape.Image(x.Shape.Height + pad.Top + pad.Bottom, x.Shape.Width + pad.Left + pad.Right, x.Shape.Channels));
                break;
            case "Softmax" when Vector(op, x):
                Emit(op, new SoftmaxLayer(NameOf(op, "softmax")) { Inputs = [x.Name] }, x.Shape);
                break;
            case "MatMul" or "GlobalAveragePool" or "Pad" or "Softmax" or "Transpose":
                break; // reported
            default:
                _problems.Add(op, null, "operator not mapped from a float graph (mapped: Conv, BatchNormalization after Conv, Relu, Clip, MaxPool, AveragePool, GlobalAveragePool, " +
                    "Flatten, Reshape, Gemm, MatMul + Add, Add, Pad, Softmax, Identity, Transpose [0,2,3,1] before a flatten)");
                break;
        }
    }

    private void Convolution(SourceOperator op, ConvolutionOptions options, Value x)
    {
        if (!Image(op, x) || _constants.RealValues(op.Inputs[1]) is not { } w)
        {
            if (x.Shape.IsVector is false)
            {
                _problems.Add(op, $"input 1 '{_model.Tensors[op.Inputs[1]].Name}'", "the weights must be a float32 constant");
            }

            return;
        }

        int outputs = _model.Tensors[op.Inputs[1]].Shape![0];
        if (Bias(op, 2, outputs) is not { } bias || Padding(op, options.Padding, options, allowPadLayer: true, ref x) is not { } pad)
        {
            return;
        }

        int outH = TensorChain.OutputSize(x.Shape.Height, options.KernelHeight, options.StrideHeight, pad);
        int outW = TensorChain.OutputSize(x.Shape.Width, options.KernelWidth, options.StrideWidth, pad);
        string from = x.Name, name = NameOf(op, options.Groups > 1 ? "dwconv" : "conv");
        Func<Float32Weights, Activation, Layer> build = options.Groups > 1
            ? (weights, a) => new DepthwiseConv2DLayer(name, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, pad, a, weights, null) { Inputs = [from] }
            : (weights, a) => new Conv2DLayer(name, outputs, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, pad, a, weights, null) { Inputs = [from] };
        Emit(op, build, new Float32Weights(w, bias), TensorShape.Image(outH, outW, outputs));
    }

    /// <summary>BatchNormalization of a convolution's output: <c>W' = W·f</c>, <c>b' = β + (b − mean)·f</c>, <c>f = γ / √(var + ε)</c> per channel.</summary>
    private void BatchNorm(SourceOperator op, BatchNormOptions options, Value x)
    {
        if (x is not { Op.Type: "Conv", Weights: { } weights, Rebuild: { } rebuild, Activation: Activation.None })
        {
            _problems.Add(op, "X", "a BatchNormalization is folded into the Conv whose output only it reads; this one reads another value");
            return;
        }

        int channels = weights.OutputChannels;
        var parameters = new float[4][];
        string[] names = ["scale", "B", "input_mean", "input_var"];
        for (int k = 0; k < 4; k++)
        {
            if (_constants.RealValues(op.Inputs[k + 1]) is not { } values || values.Length != channels)
            {
                _problems.Add(op, names[k], $"must be a float32 constant of {channels} values (one per channel)");
                return;
            }

            parameters[k] = values;
        }

        var (gamma, beta, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3]);
        var folded = new float[weights.Values.Length];
        var bias = new float[channels];
        int perChannel = folded.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            double f = gamma[c] / Math.Sqrt((double)variance[c] + options.Epsilon);
            bias[c] = (float)(beta[c] + (weights.Bias[c] - (double)mean[c]) * f);
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++)
            {
                folded[i] = (float)(weights.Values[i] * f);
            }
        }

        Replace(x, new Float32Weights(folded, bias), Activation.None, op);
        _report.Fold(op, $"into {ImportReport.Describe(x.Op!)} (epsilon {options.Epsilon:R})");
    }

    private void Gemm(SourceOperator op, GemmOptions options, Value x)
    {
        if (!Vector(op, x) || Matrix(op, 1, options.TransB, x.Shape.Length) is not { } w)
        {
            return;
        }

        int units = w.Length / x.Shape.Length;
        if (Bias(op, 2, units) is not { } bias)
        {
            return;
        }

        // alpha·A·B + beta·C: the scalars go into the constants, once.
        var weights = new Float32Weights(w.Select(v => v * options.Alpha).ToArray(), bias.Select(v => v * options.Beta).ToArray());
        Emit(op, (wb, a) => new DenseLayer(NameOf(op, "dense"), units, a, wb, null) { Inputs = [x.Name] }, weights, TensorShape.Vector(units));
    }

    private void Add(SourceOperator op, List<Value> inputs)
    {
        if (inputs is [{ IsMatMul: true, Weights: { } weights, Rebuild: not null, Activation: Activation.None } matmul] && op.Inputs.Count(_constants.IsConstant) == 1)
        {
            // MatMul + Add of a constant: the dense layer's bias.
            if (Bias(op, op.Inputs.ToList().FindIndex(_constants.IsConstant), weights.OutputChannels) is { } bias)
            {
                Replace(matmul, new Float32Weights(weights.Values, bias), Activation.None, op);
                _report.Fold(op, $"the bias of {ImportReport.Describe(matmul.Op!)}");
            }

            return;
        }

        if (inputs is not [var a, var b])
        {
            _problems.Add(op, "B", "an addition of a constant is mapped only as the bias of a MatMul");
        }
        else if (a.Shape != b.Shape)
        {
            _problems.Add(op, "B", $"adds {a.Shape} and {b.Shape}: broadcasting additions are not supported");
        }
        else
        {
            string name = NameOf(op, "add");
            Emit(op, (_, act) => new AddLayer(name, act, null) { Inputs = [a.Name, b.Name] }, null, a.Shape);
        }
    }

    /// <summary>Relu or Clip(0, 6) that alone reads a layer's output: the layer's fused activation.</summary>
    private void Activate(SourceOperator op, Value x)
    {
        var activation = op.Options is ClipOptions { Max: 6f } ? Activation.Relu6 : Activation.Relu; // validated: [0, 6] or [0, inf)
        if (x is { Rebuild: not null, Activation: Activation.None })
        {
            Replace(x, x.Weights, activation, op);
            _report.Fold(op, $"the fused activation of {ImportReport.Describe(x.Op!)}");
            return;
        }

        _problems.Add(op, "X", $"{op.Type} is mapped as the fused activation of the Conv, Gemm, MatMul + Add or Add whose output only it reads; this one reads {x.Name}");
    }

    private void Pool(SourceOperator op, PoolOptions options, Value x)
    {
        if (!Image(op, x) || Padding(op, options.Padding, new ConvolutionOptions(options.Padding, options.KernelHeight, options.KernelWidth,
            options.StrideHeight, options.StrideWidth, 1, 1, 1, 1, FusedActivation.None), allowPadLayer: false, ref x) is not { } pad)
        {
            return;
        }

        bool isMax = op.Type == "MaxPool";
        var layer = new Pool2DLayer(NameOf(op, isMax ? "maxpool" : "avgpool"), isMax, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, pad) { Inputs = [x.Name] };
        Emit(op, layer, TensorShape.Image(
            TensorChain.OutputSize(x.Shape.Height, options.KernelHeight, options.StrideHeight, pad),
            TensorChain.OutputSize(x.Shape.Width, options.KernelWidth, options.StrideWidth, pad), x.Shape.Channels));
    }

    private void Flatten(SourceOperator op, Value x)
    {
        if (OnnxFlatten.Problem(_model, op, x.Shape) is var (attribute, message))
        {
            _problems.Add(op, attribute, message);
        }
        else if (x.Shape.IsVector)
        {
            _values[op.Outputs[0]] = x;
            _report.Drop(op, $"shape only: {x.Shape} stays {x.Shape}");
        }
        else
        {
            // An NCHW tensor flattened: channel-major, the format's order chw; after the NHWC transpose, hwc.
            Emit(op, new FlattenLayer(NameOf(op, "flatten"), x.ChannelsLast ? FlattenOrder.Hwc : FlattenOrder.Chw) { Inputs = [x.Name] }, TensorShape.Vector(x.Shape.Length));
        }
    }

    /// <summary>
    /// The format's padding for ONNX pads: VALID, or TensorFlow's SAME when the explicit amounts are what SAME gives for
    /// this input; otherwise (convolutions only) a pad layer of zeros in front of a VALID convolution. Pools pad with
    /// ignored cells, which a pad layer is not.
    /// </summary>
    private FormatPadding? Padding(SourceOperator op, Padding padding, ConvolutionOptions o, bool allowPadLayer, ref Value x)
    {
        if (OnnxPadding.ToFormat(padding, x.Shape, o.KernelHeight, o.KernelWidth, o.StrideHeight, o.StrideWidth) is { } mapped)
        {
            return mapped;
        }

        if (!allowPadLayer)
        {
            _problems.Add(op, "pads", OnnxPadding.PoolProblem(padding, x.Shape, o.KernelHeight, o.KernelWidth, o.StrideHeight, o.StrideWidth));
            return null;
        }

        var pad = new PadLayer(NameOf(op, "pad"), padding.Top, padding.Bottom, padding.Left, padding.Right) { Inputs = [x.Name] };
        _layers.Add(pad);
        x = new Value(pad.Name, TensorShape.Image(x.Shape.Height + pad.Top + pad.Bottom, x.Shape.Width + pad.Left + pad.Right, x.Shape.Channels));
        return FormatPadding.Valid;
    }

    /// <summary>A constant <c>[K, N]</c> (or <c>[N, K]</c> when <paramref name="transposed"/>), K = <paramref name="inputs"/>, as the format's <c>[N][K]</c> dense weights.</summary>
    private float[]? Matrix(SourceOperator op, int input, bool transposed, int inputs)
    {
        var tensor = _model.Tensors[op.Inputs[input]];
        if (_constants.RealValues(op.Inputs[input]) is not { } values || tensor.Shape is not [int rows, int columns] || (transposed ? columns : rows) != inputs)
        {
            _problems.Add(op, $"input {input} '{tensor.Name}'", $"the weights must be a 2-D float32 constant with {inputs} inputs");
            return null;
        }

        if (transposed)
        {
            return values;
        }

        var result = new float[values.Length];
        for (int k = 0; k < rows; k++)
        {
            for (int n = 0; n < columns; n++)
            {
                result[n * rows + k] = values[k * columns + n];
            }
        }

        return result;
    }

    /// <summary>A float32 constant of <paramref name="count"/> values (an absent optional bias: zeros).</summary>
    private float[]? Bias(SourceOperator op, int input, int count)
    {
        if (input >= op.Inputs.Count || op.Inputs[input] < 0)
        {
            return new float[count];
        }

        if (_constants.RealValues(op.Inputs[input]) is { } values && values.Length == count)
        {
            return values;
        }

        _problems.Add(op, $"input {input} '{_model.Tensors[op.Inputs[input]].Name}'", $"the bias must be a float32 constant of {count} values");
        return null;
    }

    private bool Image(SourceOperator op, Value x) => !x.Shape.IsVector || !Fail(op, "input 0", $"expects an image, reads the vector {x.Name}");

    private bool Vector(SourceOperator op, Value x) => x.Shape.IsVector || !Fail(op, "A", $"a {x.Shape} input: flatten it first");

    private bool Fail(SourceOperator op, string attribute, string message)
    {
        _problems.Add(op, attribute, message);
        return true;
    }

    /// <summary>A layer that may still take a folded batch norm, a bias or an activation when nothing else reads its output.</summary>
    private void Emit(SourceOperator op, Func<Float32Weights, Activation, Layer> build, Float32Weights? weights, TensorShape shape, bool isMatMul = false)
    {
        var layer = build(weights!, Activation.None);
        _layers.Add(layer);
        _report.Map(op, $"{TfliteAttributes.OpName(layer)} {layer.Name} (float32)");
        bool alone = _readers.GetValueOrDefault(op.Outputs[0]) == 1;
        _values[op.Outputs[0]] = new Value(layer.Name, shape, op, weights, alone ? build : null, IsMatMul: isMatMul);
    }

    private void Emit(SourceOperator op, Layer layer, TensorShape shape)
    {
        _layers.Add(layer);
        _values[op.Outputs[0]] = new Value(layer.Name, shape);
        _report.Map(op, $"{TfliteAttributes.OpName(layer)} {layer.Name}");
    }

    /// <summary>Rebuilds the last layer (<paramref name="x"/>'s) with new constants or an activation; <paramref name="op"/>'s output becomes its value.</summary>
    private void Replace(Value x, Float32Weights? weights, Activation activation, SourceOperator op)
    {
        int index = _layers.FindIndex(l => l.Name == x.Name);
        _layers[index] = x.Rebuild!(weights!, activation);
        bool alone = _readers.GetValueOrDefault(op.Outputs[0]) == 1;
        _values[op.Outputs[0]] = x with { Weights = weights, Activation = activation, Rebuild = alone ? x.Rebuild : null, IsMatMul = x.IsMatMul && activation == Activation.None && op.Type != "Add" };
        if (activation != Activation.None)
        {
            _report.Remap(x.Op!, $"{TfliteAttributes.OpName(_layers[index])} {x.Name} (float32, activation {activation.ToString().ToLowerInvariant()})");
        }
    }

    private static string NameOf(SourceOperator op, string kind) => $"{kind}_{op.Index}";
}

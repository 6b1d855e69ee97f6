using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// Maps a validated QDQ ONNX <see cref="SourceModel"/> into a <c>.qmodel</c> graph (docs/import.md, "ONNX QDQ"): each
/// compute node (Conv, Gemm, MatMul + Add, Add) between <c>DequantizeLinear</c> of its int8 inputs and the
/// <c>QuantizeLinear</c> of its output becomes one int8 layer, with a Relu or Clip(0, 6) before that QuantizeLinear as
/// its fused activation; pools, Flatten, Reshape, Pad and Softmax become their layers; Q/DQ pairs that keep the
/// quantization fold away. uint8 activations become int8 (zero point − 128, exact). NCHW is the ONNX tensor layout
/// only: the format's layers are layout-free, its Conv weights are OIHW like ONNX's, and a Flatten of an NCHW tensor
/// is <c>flatten order chw</c>. Anything else is one problem naming the node and the attribute.
/// </summary>
internal sealed partial class OnnxQdqMapper
{
    private readonly SourceModel _model;
    private readonly ImportProblems _problems;
    private readonly ImportReport _report;
    private readonly OnnxConstants _constants;
    private readonly Dictionary<int, Value> _values = [];
    private readonly List<Layer> _layers = [];
    private readonly Dictionary<string, Pending> _built = [];
    private readonly int _weightBits;
    private QuantParams? _inputQuant;

    private OnnxQdqMapper(SourceModel model, ImportProblems problems, ImportReport report)
    {
        _model = model;
        _problems = problems;
        _report = report;
        _constants = new OnnxConstants(model, problems, report);
        _weightBits = WeightBits(model);
        if (_weightBits == Int8Weights.ReducedBits)
        {
            report.Note("weight_bits 7: every weight of the model is in [-63, 63] (what the trainer's 7-bit models hold), which lets the kernels pair products");
        }
    }

    /// <summary>What a run-time ONNX value is in the format.</summary>
    private abstract record Value(TensorShape Shape);

    /// <summary>
    /// An int8 tensor of the format (named by the layer that computes it), seen by ONNX in its dequantized form.
    /// <paramref name="OnGrid"/> is false for an average not yet rounded by a QuantizeLinear (ONNX averages floats).
    /// </summary>
    private sealed record Quantized(string Name, TensorShape Shape, QuantParams Quant, bool OnGrid) : Value(Shape);

    /// <summary>A float result of a compute node waiting for the QuantizeLinear that gives its layer the output quantization.</summary>
    /// <param name="MatMulWeights">For a MatMul, its weights and input, which a following Add of a constant completes with a bias.</param>
    /// <param name="SameQuant">An activation applied after the layer's QuantizeLinear (PyTorch's unfused ReLU6): the next QuantizeLinear must keep this quantization.</param>
    private sealed record Pending(SourceOperator Op, TensorShape Shape, Activation Activation, Func<string, Activation, QuantParams, Layer> Build, string Kind,
        (Int8Weights Weights, Quantized Input)? MatMulWeights = null, QuantParams? SameQuant = null) : Value(Shape);

    /// <summary>The float32 probabilities of the final softmax.</summary>
    private sealed record Probabilities(string Name, TensorShape Shape) : Value(Shape);

    /// <summary>An image transposed from NCHW to NHWC, which only a flatten may read (it becomes <c>flatten order hwc</c>).</summary>
    private sealed record ChannelsLast(Quantized Source) : Value(Source.Shape);

    /// <summary>The model's layers, header fields and output length, or null after reporting problems.</summary>
    public static MappedGraph? Map(SourceModel model, ImportProblems problems, ImportReport report, Preprocessing preprocessing) =>
        new OnnxQdqMapper(model, problems, report).Run(preprocessing);

    private MappedGraph? Run(Preprocessing preprocessing)
    {
        var input = _model.Tensors[_model.Inputs[0]];
        var image = TensorShape.Image(input.Shape![2], input.Shape[3], input.Shape[1]);
        foreach (var op in _model.Operators)
        {
            if (op.Outputs.Count == 0 || op.Outputs[0] < 0 || _constants.IsConstant(op.Outputs[0]))
            {
                continue; // weights and biases: the layer reading them takes them over
            }

            var reads = op.Inputs.Where(i => i >= 0 && !_constants.IsConstant(i)).ToList();
            if (reads.Any(i => i != input.Index && !_values.ContainsKey(i)))
            {
                if (_problems.Count == 0)
                {
                    _problems.Add(op, null, "reads a value that no mapped node produces");
                }

                continue;
            }

            if (reads.Contains(input.Index))
            {
                Input(op, input, image);
            }
            else
            {
                MapOperator(op, reads.Select(i => _values[i]).ToList());
            }
        }

        if (_problems.Count > 0)
        {
            return null;
        }

        int output = _model.Outputs[0];
        bool last = _values.GetValueOrDefault(output) switch
        {
            Quantized q => _layers.Count > 0 && q.Name == _layers[^1].Name && q.Shape.IsVector,
            Probabilities p => p.Name == _layers[^1].Name,
            _ => false,
        };
        if (!last || _inputQuant is null)
        {
            _problems.Add($"graph output '{_model.Tensors[output].Name}'", null,
                "the output must be the dequantized int8 vector (or its softmax) computed by the last node, and the input must be quantized by a QuantizeLinear");
            return null;
        }

        return new MappedGraph(image, preprocessing, _inputQuant.Value, _layers, _values[output].Shape.Channels);
    }

    /// <summary>The graph input: float32 quantized by a QuantizeLinear (its quantization is the format's input_quant).</summary>
    private void Input(SourceOperator op, SourceTensor input, TensorShape image)
    {
        if (op.Type != "QuantizeLinear" || _inputQuant is not null || input.Type != ElementType.Float32)
        {
            _problems.Add(op, "input 0", $"reads the {input.Type} graph input: only a float32 input quantized by one QuantizeLinear is mapped");
            return;
        }

        if (Quant(op, op.Outputs[0]) is { } q)
        {
            _inputQuant = q;
            _values[op.Outputs[0]] = new Quantized(ModelGraph.InputName, image, q, OnGrid: true);
            _report.Fold(op, $"quantizes the input: input_quant scale={q.Scale:R} zero_point={q.ZeroPoint}");
        }
    }

    private void MapOperator(SourceOperator op, List<Value> inputs)
    {
        switch (op.Type)
        {
            case "QuantizeLinear":
                Quantize(op, inputs[0]);
                break;
            case "DequantizeLinear" or "Identity":
                _values[op.Outputs[0]] = inputs[0];
                break;
            case "Conv":
                Convolution(op, (ConvolutionOptions)op.Options, inputs[0]);
                break;
            case "Gemm":
                Gemm(op, (GemmOptions)op.Options, inputs[0]);
                break;
            case "MatMul":
                MatMul(op, inputs[0]);
                break;
            case "Add":
                Add(op, inputs);
                break;
            case "Relu" or "Clip":
                Activate(op, inputs[0]);
                break;
            case "MaxPool" or "AveragePool":
                Pool(op, (PoolOptions)op.Options, inputs[0]);
                break;
            case "GlobalAveragePool" when Grid(op, inputs[0], needsGrid: false) is { } x:
                Emit(op, new GlobalAveragePoolLayer(NameOf(op, "gap")) { Inputs = [x.Name] }, TensorShape.Vector(x.Shape.Channels), x.Quant, onGrid: false);
                break;
            case "Flatten" or "Reshape":
                Flatten(op, inputs[0]);
                break;
            case "Transpose" when Grid(op, inputs[0], needsGrid: false) is { } x:
                // Validated: perm [0,2,3,1]. The format's tensors are HWC already; the flatten that reads it says so.
                _values[op.Outputs[0]] = new ChannelsLast(x);
                _report.Fold(op, $"NCHW to NHWC before flattening {x.Name}: the flatten's order hwc");
                break;
            case "Pad" when inputs[0] is Quantized x && op.Options is PadOptions { Pads: { } p } && p.All(a => a == 0):
                _values[op.Outputs[0]] = x;
                _report.Drop(op, "pads nothing (PyTorch writes it before AveragePool)");
                break;
            case "Pad" when Grid(op, inputs[0], needsGrid: false) is { } x && op.Options is PadOptions { Pads: { } p }:
                // Validated: constant zeros on H and W only; ONNX orders the amounts N, C, H, W begins, then ends.
                var pad = new PadLayer(NameOf(op, "pad"), (int)p[2], (int)p[6], (int)p[3], (int)p[7]) { Inputs = [x.Name] };
                Emit(op, pad, TensorShape.Image(x.Shape.Height + pad.Top + pad.Bottom, x.Shape.Width + pad.Left + pad.Right, x.Shape.Channels), x.Quant, x.OnGrid);
                break;
            case "Softmax" when Grid(op, inputs[0], needsGrid: true) is { } x:
                if (!x.Shape.IsVector)
                {
                    _problems.Add(op, "input 0", $"softmax over {x.Shape}: only over a vector");
                    return;
                }

                _layers.Add(new SoftmaxLayer(NameOf(op, "softmax")) { Inputs = [x.Name] });
                _values[op.Outputs[0]] = new Probabilities(_layers[^1].Name, x.Shape);
                _report.Map(op, $"softmax {_layers[^1].Name}");
                break;
            case "GlobalAveragePool" or "Pad" or "Softmax" or "Transpose":
                break; // Grid reported why
            default:
                _problems.Add(op, null, op.Type == "BatchNormalization"
                    ? "a float BatchNormalization in a QDQ graph: fold it into the convolution before quantizing (float models are imported through --calibration-dir)"
                    : $"operator not mapped from a QDQ graph (mapped: QuantizeLinear, DequantizeLinear, Conv, Gemm, MatMul, Add, Relu, Clip, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Pad, Softmax, Identity, Transpose [0,2,3,1] before a flatten)");
                break;
        }
    }

    /// <summary>A QuantizeLinear of a run-time value: gives a pending layer its output quantization, or folds away.</summary>
    private void Quantize(SourceOperator op, Value value)
    {
        if (Quant(op, op.Outputs[0]) is not { } q)
        {
            return;
        }

        switch (value)
        {
            case Pending { SameQuant: { } same } p when same != q:
                _problems.Add(op, "y_scale", $"the activation of {ImportReport.Describe(p.Op)} is quantized with {q}, its input with {same}: only an activation that keeps the quantization is fused");
                break;
            case Pending p:
                var layer = p.Build(NameOf(p.Op, p.Kind), p.Activation, q);
                _layers.Add(layer);
                _built[layer.Name] = p;
                _values[op.Outputs[0]] = new Quantized(layer.Name, p.Shape, q, OnGrid: true);
                _report.Remap(p.Op, $"{TfliteAttributes.OpName(layer)} {layer.Name}{(p.Activation == Activation.None ? "" : $" (activation {p.Activation.ToString().ToLowerInvariant()})")}, output quantized by {ImportReport.Describe(op)}");
                break;
            case Quantized x when x.Quant == q:
                _values[op.Outputs[0]] = x with { OnGrid = true };
                _report.Fold(op, x.OnGrid ? "keeps the quantization (a no-op)" : $"rounds the average of {x.Name} at its own quantization, as the format's pool does");
                break;
            case Quantized x when x.OnGrid:
                // A requantization: DQ then Q in float32, which the format's dequantize and quantize layers compute alike.
                var dequantize = new DequantizeLayer(NameOf(op, "dequantize")) { Inputs = [x.Name] };
                var quantize = new QuantizeLayer(NameOf(op, "quantize"), q) { Inputs = [dequantize.Name] };
                _layers.Add(dequantize);
                _layers.Add(quantize);
                _values[op.Outputs[0]] = new Quantized(quantize.Name, x.Shape, q, OnGrid: true);
                _report.Map(op, $"dequantize {dequantize.Name}, quantize {quantize.Name} (requantizes {x.Quant} to {q})");
                break;
            case Quantized x:
                _problems.Add(op, "y_scale", $"quantizes the average {x.Name} ({x.Quant}) with other parameters ({q}): pools keep their input's quantization in the format");
                break;
            case ChannelsLast t when t.Source.Quant == q:
                _values[op.Outputs[0]] = t;
                _report.Fold(op, "keeps the quantization of the transposed image (a no-op)");
                break;
            case ChannelsLast t:
                _problems.Add(op, "y_scale", $"requantizes the NHWC transpose of {t.Source.Name}: only a flatten may read it");
                break;
            default:
                _problems.Add(op, "x", "quantizes the softmax's probabilities: not mapped");
                break;
        }
    }

    /// <summary>
    /// 7 when every weight of every layer lies in [-63, 63] (a model quantized to 7 bits, as the trainer's are; a layer
    /// of an 8-bit model can fit by chance, so the whole model decides), else 8. Problems are reported by the mapping.
    /// </summary>
    private static int WeightBits(SourceModel model)
    {
        var quiet = new OnnxConstants(model, new ImportProblems(), new ImportReport());
        bool sevenBit = true, any = false;
        foreach (var op in model.Operators.Where(o => o.Type is "Conv" or "Gemm" or "MatMul" && o.Inputs.Count > 1 && o.Inputs[1] >= 0))
        {
            int axis = op.Type == "Conv" || op.Options is GemmOptions { TransB: true } ? 0 : 1;
            var weights = quiet.Weights(op, 1, axis);
            any |= weights is not null;
            sevenBit &= weights is { } w && w.ZeroPoint == 0 && w.Values.All(v => v is >= -63 and <= 63);
        }

        return any && sevenBit ? Int8Weights.ReducedBits : Int8Weights.FullBits;
    }

    /// <summary>The int8 tensor a node reads, or null after reporting why it is not one (on the grid when <paramref name="needsGrid"/>).</summary>
    private Quantized? Grid(SourceOperator op, Value value, bool needsGrid)
    {
        switch (value)
        {
            case Quantized x when x.OnGrid || !needsGrid:
                return x;
            case Quantized x:
                _problems.Add(op, "input 0", $"reads the average {x.Name} before any QuantizeLinear rounds it: the format's layers read int8 tensors");
                return null;
            case Pending p:
                _problems.Add(op, "input 0", $"reads the float output of {ImportReport.Describe(p.Op)}, which no QuantizeLinear quantizes: the format's layers read int8 tensors");
                return null;
            case ChannelsLast t:
                _problems.Add(op, "input 0", $"reads the NHWC transpose of {t.Source.Name}: only a Flatten or Reshape into [1, N] may read it");
                return null;
            default:
                _problems.Add(op, "input 0", "reads the softmax's probabilities");
                return null;
        }
    }

    private bool Vector(SourceOperator op, Quantized x) => x.Shape.IsVector || !Fail(op, "A", $"a {x.Shape} input: flatten it first");

    private bool Fail(SourceOperator op, string attribute, string message)
    {
        _problems.Add(op, attribute, message);
        return true;
    }

    private void Emit(SourceOperator op, Layer layer, TensorShape shape, QuantParams quant, bool onGrid)
    {
        _layers.Add(layer);
        _values[op.Outputs[0]] = new Quantized(layer.Name, shape, quant, onGrid);
        _report.Map(op, $"{TfliteAttributes.OpName(layer)} {layer.Name}");
    }

    /// <summary>An activation's quantization as the format holds it: int8, or uint8 with the zero point moved by −128 (exact).</summary>
    private QuantParams? Quant(SourceOperator op, int index)
    {
        var tensor = _model.Tensors[index];
        if (tensor.Quantization is not { IsPerChannel: false } q || tensor.Type is not (ElementType.Int8 or ElementType.UInt8))
        {
            _problems.Add(op, "y_zero_point", $"{tensor.Type} {(tensor.Quantization is { IsPerChannel: true } ? "per-channel " : "")}activation quantization: the format's activations are int8 (or uint8, shifted) with one scale and zero point");
            return null;
        }

        return new QuantParams(q.Scales[0], (int)q.ZeroPoints[0] - (tensor.Type == ElementType.UInt8 ? 128 : 0));
    }

    private static string NameOf(SourceOperator op, string kind) => $"{kind}_{op.Index}";
}

using ModelCompiler.Format;
using static ModelCompiler.Import.Mapping.Int8WeightConversion;
using FormatPadding = ModelCompiler.Format.Padding;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// Maps a validated TFLite <see cref="SourceModel"/> in the int8 per-channel scheme into a <c>.qmodel</c> graph
/// (docs/import.md, "Mapping"): the input QUANTIZE folds into the preprocessing, the output QUANTIZE (int8 to uint8,
/// +128) is dropped, each other operator becomes one layer or a few. Anything the format cannot represent is one
/// <see cref="ImportProblem"/> per construct; nothing is approximated silently (the <see cref="ImportReport"/> states
/// every arithmetic difference).
/// </summary>
internal sealed class TfliteMapper
{
    private readonly SourceModel _model;
    private readonly ImportProblems _problems;
    private readonly ImportReport _report;
    private readonly Dictionary<int, MappedTensor> _tensors = [];
    private readonly List<Layer> _layers = [];
    private readonly HashSet<int> _handled = [];
    private readonly bool _perOperatorRounding;

    private TfliteMapper(SourceModel model, ImportProblems problems, ImportReport report, bool perOperatorRounding)
    {
        _perOperatorRounding = perOperatorRounding;
        _model = model;
        _problems = problems;
        _report = report;
    }

    /// <summary>A source tensor as the format holds it: the name of the tensor it is, its shape and quantization.</summary>
    private sealed record MappedTensor(string Name, TensorShape Shape, QuantParams Quant);

    /// <summary>The model's layers, header fields and output length, or null after reporting problems.</summary>
    /// <param name="perOperatorRounding">
    /// True when the header's rule is TFLite's (no <c>--rounding</c>): each int8 CONV_2D's layer then says
    /// <c>rounding single</c>, as TFLite's builtin kernels compute it (ruy); false keeps one rule everywhere.
    /// </param>
    public static MappedGraph? Map(SourceModel model, ImportProblems problems, ImportReport report, bool perOperatorRounding) =>
        new TfliteMapper(model, problems, report, perOperatorRounding).Run();

    /// <summary>
    /// <c>rounding single</c> for an int8 CONV_2D under per-operator rounding: TFLite's int8 CONV_2D goes through
    /// cpu_backend_gemm to ruy, whose multiplier rounds once, while its DEPTHWISE_CONV_2D and ADD round twice (and the
    /// uint8 scheme's kernels, gemmlowp, twice): docs/import.md, "Where ours and TFLite's builtin kernels first differ".
    /// </summary>
    private Rounding? ConvolutionRounding(SourceOperator op) =>
        _perOperatorRounding && op.Type == "CONV_2D" && _model.Tensors[op.Inputs[0]].Type == ElementType.Int8 ? Rounding.Single : null;

    private const string RuyRounding = "rounding single: TFLite's int8 CONV_2D rounds once (ruy)";

    private MappedGraph? Run()
    {
        var input = Input(out var preprocessing, out var inputQuant);
        int output = OutputTensor();
        if (input is null)
        {
            return null;
        }

        foreach (var op in _model.Operators)
        {
            if (_handled.Contains(op.Index))
            {
                continue;
            }

            var inputs = op.Inputs.Where(i => i >= 0 && !_model.Tensors[i].IsConstant).ToList();
            if (inputs.Any(i => !_tensors.ContainsKey(i)))
            {
                // An input from an operator that could not be mapped (already reported) or from a softmax.
                if (_problems.Count == 0)
                {
                    _problems.Add(op, null, "reads a tensor that no mapped operator produces (only the output QUANTIZE may follow SOFTMAX)");
                }

                continue;
            }

            MapOperator(op);
        }

        if (_problems.Count > 0)
        {
            return null;
        }

        if (!_tensors.TryGetValue(output, out var result) || _layers.Count == 0 || result.Name != _layers[^1].Name || !result.Shape.IsVector)
        {
            _problems.Add($"tensor {output} '{_model.Tensors[output].Name}'", null, "the graph output must be a vector computed by the last operator");
            return null;
        }

        return new MappedGraph(input.Value, preprocessing!.Value, inputQuant!.Value, _layers, result.Shape.Channels);
    }

    private TensorShape? Input(out Preprocessing? preprocessing, out QuantParams? inputQuant)
    {
        preprocessing = null;
        inputQuant = null;
        var tensor = _model.Tensors[_model.Inputs[0]];
        var shape = tensor.Shape!;
        var image = TensorShape.Image(shape[1], shape[2], shape[3]);
        string where = $"graph input {tensor.Index} '{tensor.Name}'";
        (Preprocessing, QuantParams)? derived;
        string description;
        if (tensor.Type == ElementType.UInt8 && _model.Operators.FirstOrDefault(o => o.Inputs.Contains(tensor.Index)) is { Type: "QUANTIZE" } quantize
            && _model.Operators.Count(o => o.Inputs.Contains(tensor.Index)) == 1 && Quant(quantize, quantize.Outputs[0]) is { } network)
        {
            _handled.Add(quantize.Index);
            var pixel = tensor.Quantization!;
            derived = InputPreprocessing.FromUInt8Quantize(new QuantParams(pixel.Scales[0], (int)pixel.ZeroPoints[0]), network, out description);
            if (derived is not null)
            {
                _report.Fold(quantize, "uint8 to int8 at the input, into the preprocessing");
                _tensors[quantize.Outputs[0]] = new MappedTensor(ModelGraph.InputName, image, network);
            }
        }
        else if (tensor.Type is ElementType.Int8 or ElementType.UInt8 && Quant(null, tensor.Index) is { } int8)
        {
            // A uint8 input (the legacy scheme) is the raw pixel p; its int8 form p - 128 is what FromInt8 feeds.
            derived = InputPreprocessing.FromInt8(int8, out description);
            if (tensor.Type == ElementType.UInt8)
            {
                description = $"uint8 input (the legacy scheme) read as int8 p - 128 (zero point {int8.ZeroPoint + 128} - 128); " + description;
            }

            _tensors[tensor.Index] = new MappedTensor(ModelGraph.InputName, image, int8);
        }
        else
        {
            _problems.Add(where, "type", $"{tensor.Type} input: only quantized (int8 or uint8) models are mapped (float models need post-training quantization, not written yet)");
            return null;
        }

        if (derived is not { } d)
        {
            _problems.Add(where, "quantization", $"the format's float32 pixel preprocessing cannot reproduce the source's input exactly ({description})");
            return null;
        }

        (preprocessing, inputQuant) = d;
        _report.Preprocessing = description;
        return image;
    }

    /// <summary>The tensor the format's model ends with: the graph output, or the int8 input of a final QUANTIZE to uint8 that only adds 128.</summary>
    private int OutputTensor()
    {
        int output = _model.Outputs[0];
        if (_model.Operators.FirstOrDefault(o => o.Outputs.Contains(output)) is { Type: "QUANTIZE" } quantize)
        {
            var from = _model.Tensors[quantize.Inputs[0]];
            var to = _model.Tensors[output];
            if (from.Type == ElementType.Int8 && to.Type == ElementType.UInt8 && from.Quantization is { } a && to.Quantization is { } b
                && a.Scales[0] == b.Scales[0] && b.ZeroPoints[0] - a.ZeroPoints[0] == 128)
            {
                _handled.Add(quantize.Index);
                _report.Fold(quantize, "int8 to uint8 at the output is +128 exactly (same scale); the .qmodel outputs the int8 values, top-k unchanged");
                return quantize.Inputs[0];
            }

            _problems.Add(quantize, "output", "a QUANTIZE at the output other than int8 to uint8 with the same scale cannot be folded");
        }

        return output;
    }

    private void MapOperator(SourceOperator op)
    {
        switch (op.Type)
        {
            case "CONV_2D":
                Convolution(op, (ConvolutionOptions)op.Options, depthwise: false);
                break;
            case "DEPTHWISE_CONV_2D":
                Convolution(op, (ConvolutionOptions)op.Options, depthwise: true);
                break;
            case "FULLY_CONNECTED":
                FullyConnected(op, (FullyConnectedOptions)op.Options);
                break;
            case "ADD":
                Add(op, (ElementwiseOptions)op.Options);
                break;
            case "AVERAGE_POOL_2D" or "MAX_POOL_2D":
                Pool(op, (PoolOptions)op.Options);
                break;
            case "MEAN":
                Mean(op);
                break;
            case "RESHAPE":
                Reshape(op);
                break;
            case "SOFTMAX":
                Softmax(op);
                break;
            default:
                _problems.Add(op, null, op.Type == "QUANTIZE"
                    ? "a QUANTIZE between layers (a requantization) has no layer in the format; only the input and output ones are folded"
                    : "operator not mapped into .qmodel (DEQUANTIZE: float parts of a model are not mapped yet)");
                break;
        }
    }

    private void Convolution(SourceOperator op, ConvolutionOptions options, bool depthwise)
    {
        var input = _tensors[op.Inputs[0]];
        if (Quant(op, op.Outputs[0]) is not { } outputQuant || Activation(op, options.Activation) is not { } activation || Padding(op, options.Padding) is not { } padding)
        {
            return;
        }

        if (input.Shape.IsVector)
        {
            // After MEAN the format holds [1, 1, 1, C] as a vector; a 1x1 convolution of it is a dense layer.
            if (options.KernelHeight != 1 || options.KernelWidth != 1 || depthwise)
            {
                _problems.Add(op, "filter", $"a {options.KernelHeight}x{options.KernelWidth} {(depthwise ? "depthwise " : "")}convolution of a 1x1 tensor: only 1x1 convolutions of it (dense layers) are mapped");
                return;
            }

            if (Int8WeightConversion.Convert(_model, op, FilterLayout.UnitsInputs, input.Quant.Scale, _problems) is { } dense)
            {
                var rounding = ConvolutionRounding(op);
                Emit(op, new DenseLayer(NameOf(op, "dense"), dense.OutputChannels, activation, dense, outputQuant) { Inputs = [input.Name], RoundingOverride = rounding }, outputQuant,
                    "as dense: a 1x1 convolution of a 1x1 tensor" + (rounding is null ? "" : "; " + RuyRounding), TensorShape.Vector(dense.OutputChannels));
            }

            return;
        }

        var weights = Int8WeightConversion.Convert(_model, op, depthwise ? FilterLayout.Depthwise : FilterLayout.Ohwi, input.Quant.Scale, _problems);
        if (weights is null)
        {
            return;
        }

        Layer layer = depthwise
            ? new DepthwiseConv2DLayer(NameOf(op, "dwconv"), options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, padding, activation, weights, outputQuant) { Inputs = [input.Name] }
            : new Conv2DLayer(NameOf(op, "conv"), weights.OutputChannels, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, padding, activation, weights, outputQuant)
            {
                Inputs = [input.Name],
                RoundingOverride = ConvolutionRounding(op),
            };
        Emit(op, layer, outputQuant, how: layer.RoundingOverride is null ? null : RuyRounding);
    }

    private void FullyConnected(SourceOperator op, FullyConnectedOptions options)
    {
        var input = _tensors[op.Inputs[0]];
        if (Quant(op, op.Outputs[0]) is not { } outputQuant || Activation(op, options.Activation) is not { } activation)
        {
            return;
        }

        if (Int8WeightConversion.Convert(_model, op, FilterLayout.UnitsInputs, input.Quant.Scale, _problems) is not { } weights)
        {
            return;
        }

        string from = input.Name;
        string extra = "";
        if (!input.Shape.IsVector)
        {
            // TFLite flattens an NHWC input in h, w, c order.
            var flatten = new FlattenLayer(NameOf(op, "flatten"), FlattenOrder.Hwc) { Inputs = [from] };
            _layers.Add(flatten);
            from = flatten.Name;
            extra = $"flatten {flatten.Name} (hwc), ";
        }

        Emit(op, new DenseLayer(NameOf(op, "dense"), weights.OutputChannels, activation, weights, outputQuant) { Inputs = [from] }, outputQuant, extra.Length == 0 ? null : "after " + extra.TrimEnd(',', ' '));
    }

    private void Add(SourceOperator op, ElementwiseOptions options)
    {
        var a = _tensors[op.Inputs[0]];
        var b = _tensors[op.Inputs[1]];
        if (a.Shape != b.Shape)
        {
            _problems.Add(op, "inputs", $"adds {a.Shape} and {b.Shape}: broadcasting additions are not supported");
            return;
        }

        if (Quant(op, op.Outputs[0]) is { } outputQuant && Activation(op, options.Activation) is { } activation)
        {
            Emit(op, new AddLayer(NameOf(op, "add"), activation, outputQuant) { Inputs = [a.Name, b.Name] }, outputQuant, shape: a.Shape);
        }
    }

    private void Pool(SourceOperator op, PoolOptions options)
    {
        var input = _tensors[op.Inputs[0]];
        if (Quant(op, op.Outputs[0]) is not { } outputQuant || Padding(op, options.Padding) is not { } padding)
        {
            return;
        }

        if (outputQuant != input.Quant)
        {
            _problems.Add(op, "output quantization", $"pools keep their input's quantization in the format; this one changes it ({input.Quant} to {outputQuant})");
            return;
        }

        if (options.Activation != FusedActivation.None)
        {
            _problems.Add(op, "fused_activation_function", $"{options.Activation}: the format's pools have no fused activation");
            return;
        }

        bool isMax = op.Type == "MAX_POOL_2D";

        // TFLite's uint8 average pool rounds (Σu + n/2) / n, half up, where its int8 pool rounds half away from zero.
        bool uint8Average = !isMax && _model.Tensors[op.Inputs[0]].Type == ElementType.UInt8;
        var layer = new Pool2DLayer(NameOf(op, isMax ? "maxpool" : "avgpool"), isMax, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, padding)
        {
            Inputs = [input.Name],
            Ties = uint8Average ? AverageTies.Up : AverageTies.AwayFromZero,
        };
        Emit(op, layer, outputQuant, how: uint8Average ? "ties up: TFLite's uint8 pool rounds half up" : null);
    }

    private void Mean(SourceOperator op)
    {
        var input = _tensors[op.Inputs[0]];
        if (Quant(op, op.Outputs[0]) is not { } outputQuant)
        {
            return;
        }

        if (input.Shape.IsVector)
        {
            _problems.Add(op, "axis", "MEAN of a tensor that is already 1x1 is not mapped");
            return;
        }

        var shape = TensorShape.Vector(input.Shape.Channels);
        if (outputQuant == input.Quant)
        {
            Emit(op, new GlobalAveragePoolLayer(NameOf(op, "mean")) { Inputs = [input.Name] }, outputQuant, shape: shape);
            return;
        }

        // TFLite's builtin kernels compute an int8 MEAN of a 4-D tensor over axes 1 and 2 with keep_dims as an integer
        // mean (optimized_integer_ops::Mean: the raw sum times a float32-derived multiplier, plus a bias of the zero
        // points), which global_avgpool with output_quant computes exactly, with the layer's rounding rule (the header's:
        // TFLite's double rounding, or single rounding as a TFLITE_SINGLE_ROUNDING build computes it).
        var source = _model.Tensors[op.Inputs[0]];
        bool keepDims = op.Options is ReduceOptions { KeepDims: true };
        if (source.Type == ElementType.Int8 && keepDims)
        {
            var mean = new GlobalAveragePoolLayer(NameOf(op, "mean")) { Inputs = [input.Name], OutputQuant = outputQuant };
            Emit(op, mean, outputQuant, $"integer mean rescaling {input.Quant.Scale:R} to {outputQuant.Scale:R}, as TFLite's optimized MEAN", shape);
            return;
        }

        // A uint8 MEAN (its sum and bias are taken over the uint8 values, which the format's int8 values are not) and a
        // MEAN without keep_dims (TFLite's reference path, QuantizedMeanOrSum) compute differently: they keep the float
        // form, which rounds the mean once at the output scale, as Arm NN's reference backend computes it.
        var dequantize = new DequantizeLayer(NameOf(op, "mean_dequantize")) { Inputs = [input.Name] };
        var pool = new GlobalAveragePoolLayer(NameOf(op, "mean_pool")) { Inputs = [dequantize.Name] };
        var quantize = new QuantizeLayer(NameOf(op, "mean"), outputQuant) { Inputs = [pool.Name] };
        _layers.Add(dequantize);
        _layers.Add(pool);
        string why = source.Type == ElementType.Int8 ? "without keep_dims" : "of uint8 values";
        _report.Differ($"{ImportReport.Describe(op)}: MEAN {why} rescales (scale {input.Quant.Scale:R} to {outputQuant.Scale:R}); mapped to dequantize, global_avgpool in float32 and quantize, which rounds the mean once at the output scale; TFLite's MEAN rescales in its own integer or float arithmetic: an output can differ by one step next to a half-way point");
        Emit(op, quantize, outputQuant, $"after dequantize {dequantize.Name}, global_avgpool {pool.Name} in float32", shape);
    }

    private void Reshape(SourceOperator op)
    {
        var input = _tensors[op.Inputs[0]];
        var target = _model.Tensors[op.Outputs[0]].Shape!;
        if (Quant(op, op.Outputs[0]) is not { } outputQuant)
        {
            return;
        }

        if (outputQuant != input.Quant)
        {
            _problems.Add(op, "output quantization", "a RESHAPE that changes the quantization is not supported");
            return;
        }

        var flattens = TfliteAttributes.ReshapeFlattens(target, input.Shape);
        if (flattens == false)
        {
            _tensors[op.Outputs[0]] = input;
            _report.Drop(op, $"shape only: {input.Shape} stays {input.Shape}");
        }
        else if (flattens == true)
        {
            Emit(op, new FlattenLayer(NameOf(op, "flatten"), FlattenOrder.Hwc) { Inputs = [input.Name] }, outputQuant, shape: TensorShape.Vector(input.Shape.Length));
        }
        else
        {
            _problems.Add(op, "new_shape", $"reshaping {input.Shape} into [{string.Join(",", target)}]: only flattening into [1, N] is mapped");
        }
    }

    private void Softmax(SourceOperator op)
    {
        var input = _tensors[op.Inputs[0]];
        if (!input.Shape.IsVector)
        {
            _problems.Add(op, "input", $"softmax over {input.Shape}: only over a vector");
            return;
        }

        _layers.Add(new SoftmaxLayer(NameOf(op, "softmax")) { Inputs = [input.Name] });
        _tensors[op.Outputs[0]] = input with { Name = _layers[^1].Name };
        _report.Map(op, $"softmax {_layers[^1].Name}");
        _report.Differ($"{ImportReport.Describe(op)}: the .qmodel's softmax computes float32 probabilities from the int8 logits; TFLite's int8 softmax (steps of 1/256) is not reproduced, so the logits, and their top-k, are what matches");
    }

    private void Emit(SourceOperator op, Layer layer, QuantParams quant, string? how = null, TensorShape? shape = null)
    {
        _layers.Add(layer);
        var tensorShape = shape ?? ShapeOf(op.Outputs[0]);
        _tensors[op.Outputs[0]] = new MappedTensor(layer.Name, tensorShape, quant);
        _report.Map(op, $"{TfliteAttributes.OpName(layer)} {layer.Name}{(how is null ? "" : $" ({how})")}");
        if (layer is WeightedLayer { Activation: Format.Activation.Relu6 } or AddLayer { Activation: Format.Activation.Relu6 })
        {
            // The format rounds 6 / s half to even, TFLite half away from zero: they differ only on an exact half.
            float steps = 6f / quant.Scale;
            if (steps == MathF.Floor(steps) + 0.5f)
            {
                _report.Differ($"{ImportReport.Describe(op)}: ReLU6's upper bound 6 / {quant.Scale:R} is exactly {steps}, which the format rounds to even and TFLite away from zero");
            }
        }
    }

    private TensorShape ShapeOf(int tensor)
    {
        var s = _model.Tensors[tensor].Shape!;
        return s.Count == 4 ? TensorShape.Image(s[1], s[2], s[3]) : TensorShape.Vector(s[^1]);
    }

    private static string NameOf(SourceOperator op, string kind) => $"{kind}_{op.Index}";

    private QuantParams? Quant(SourceOperator? op, int index) => TfliteAttributes.Quant(_model, _problems, op, index);

    private Format.Activation? Activation(SourceOperator op, FusedActivation activation) => TfliteAttributes.Activation(_problems, op, activation);

    private FormatPadding? Padding(SourceOperator op, Padding padding) => TfliteAttributes.Padding(_problems, op, padding);
}

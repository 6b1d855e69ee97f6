using ModelCompiler.Format;
using static ModelCompiler.Import.Mapping.Int8WeightConversion;
using FormatPadding = ModelCompiler.Format.Padding;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// Maps a validated float32 TFLite <see cref="SourceModel"/> (float input, float32 filters and biases, no QUANTIZE)
/// into float32 <c>.qmodel</c> layers (docs/import.md, "Float TFLite"), the same representation the float ONNX path
/// (<see cref="OnnxFloatMapper"/>) hands to post-training quantization (<c>modelc-train import --calibration-dir</c>).
/// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED become float32 layers with their fused RELU or RELU6; ADD, the pools,
/// MEAN over height and width, RESHAPE and SOFTMAX become their layers. The filters change layout (OHWI to OIHW,
/// <c>[1, KH, KW, C]</c> to <c>[C][1][KH][KW]</c>), never value. Anything else is one problem naming the operator.
/// </summary>
internal sealed class TfliteFloatMapper
{
    /// <summary>The name of the layer that applies a float model's input normalization (<see cref="Run"/>).</summary>
    public const string NormalizeLayerName = "input_normalize";

    private readonly SourceModel _model;
    private readonly ImportProblems _problems;
    private readonly ImportReport _report;
    private readonly Dictionary<int, Value> _values = [];
    private readonly List<Layer> _layers = [];

    private TfliteFloatMapper(SourceModel model, ImportProblems problems, ImportReport report)
    {
        _model = model;
        _problems = problems;
        _report = report;
    }

    /// <summary>A float32 tensor of the format: the layer that computes it (or the input) and its shape.</summary>
    private sealed record Value(string Name, TensorShape Shape);

    /// <summary>Whether the model takes a float32 input: a float model, which this mapper maps.</summary>
    public static bool IsFloat(SourceModel model) => model.Tensors[model.Inputs[0]].Type == ElementType.Float32;

    /// <summary>
    /// The model's float32 layers for pixels preprocessed as <paramref name="normalization"/> (how a pixel becomes the
    /// model's float input), or null after reporting problems.
    /// </summary>
    public static MappedGraph? Map(SourceModel model, ImportProblems problems, ImportReport report, Preprocessing normalization) =>
        new TfliteFloatMapper(model, problems, report).Run(normalization);

    private MappedGraph? Run(Preprocessing normalization)
    {
        var input = _model.Tensors[_model.Inputs[0]];
        var shape = input.Shape!;
        var image = TensorShape.Image(shape[1], shape[2], shape[3]);
        var preprocessing = normalization;
        _values[input.Index] = new Value(ModelGraph.InputName, image);
        if (normalization != OnnxInputPreprocessing.Default)
        {
            // Post-training quantization calibrates on the trainer's pixel / 255 images (and quantizes that input as
            // p - 128 exactly), so the model takes pixel / 255 and a first 1x1 depthwise layer computes the normalization:
            // (p / 255)·(255·S) + O = p·S + O, in float32.
            float gain = normalization.Scale * 255f;
            var weights = new Float32Weights(Enumerable.Repeat(gain, image.Channels).ToArray(), Enumerable.Repeat(normalization.Offset, image.Channels).ToArray());
            _layers.Add(new DepthwiseConv2DLayer(NormalizeLayerName, 1, 1, 1, 1, FormatPadding.Valid, Activation.None, weights, null) { Inputs = [ModelGraph.InputName] });
            _values[input.Index] = new Value(NormalizeLayerName, image);
            preprocessing = OnnxInputPreprocessing.Default;
            _report.Note($"input normalization pixel * {normalization.Scale:R} + {normalization.Offset:R}: the .qmodel takes pixel / 255 and its first layer, " +
                $"depthwise_conv2d {NormalizeLayerName} (1x1, weight {gain:R}, bias {normalization.Offset:R} per channel), computes the rest, " +
                "so post-training quantization calibrates on pixel / 255 images as it does for every model");
        }

        foreach (var op in _model.Operators)
        {
            var reads = op.Inputs.Where(i => i >= 0 && !_model.Tensors[i].IsConstant).ToList();
            if (reads.Count == 0)
            {
                // A DEQUANTIZE of int8 or float16 weights, say: the format's float layers hold float32 constants.
                _problems.Add(op, null, "computes from constants only: constants must be stored float32 in a float model, not computed (a DEQUANTIZE of weights is not mapped)");
                continue;
            }

            if (reads.Any(i => !_values.ContainsKey(i)))
            {
                if (_problems.Count == 0)
                {
                    _problems.Add(op, null, "reads a tensor that no mapped operator produces");
                }

                continue;
            }

            MapOperator(op, reads.Select(i => _values[i]).ToList());
        }

        if (_problems.Count > 0)
        {
            return null;
        }

        int outputIndex = _model.Outputs[0];
        if (_values.GetValueOrDefault(outputIndex) is not { } output || _layers.Count == 0 || output.Name != _layers[^1].Name || !output.Shape.IsVector)
        {
            _problems.Add($"tensor {outputIndex} '{_model.Tensors[outputIndex].Name}'", null, "the graph output must be a vector computed by the last operator");
            return null;
        }

        return new MappedGraph(image, preprocessing, null, _layers, output.Shape.Channels);
    }

    private void MapOperator(SourceOperator op, List<Value> inputs)
    {
        if (_model.Tensors[op.Outputs[0]].Type != ElementType.Float32)
        {
            _problems.Add(op, $"output '{_model.Tensors[op.Outputs[0]].Name}'",
                $"{_model.Tensors[op.Outputs[0]].Type} output in a float model: a model that mixes float and quantized tensors is not mapped (import it fully quantized or fully float)");
            return;
        }

        var x = inputs[0];
        switch (op.Type)
        {
            case "CONV_2D" or "DEPTHWISE_CONV_2D":
                Convolution(op, (ConvolutionOptions)op.Options, x, op.Type == "DEPTHWISE_CONV_2D");
                break;
            case "FULLY_CONNECTED":
                FullyConnected(op, (FullyConnectedOptions)op.Options, x);
                break;
            case "ADD":
                Add(op, (ElementwiseOptions)op.Options, inputs);
                break;
            case "AVERAGE_POOL_2D" or "MAX_POOL_2D":
                Pool(op, (PoolOptions)op.Options, x);
                break;
            case "MEAN" when x.Shape.IsVector:
                _problems.Add(op, "axis", "MEAN of a tensor that is already 1x1 is not mapped");
                break;
            case "MEAN":
                // Validated: over height and width; keep_dims or not, the format holds [1, 1, 1, C] as a vector.
                Emit(op, new GlobalAveragePoolLayer(NameOf(op, "mean")) { Inputs = [x.Name] }, TensorShape.Vector(x.Shape.Channels));
                break;
            case "RESHAPE":
                Reshape(op, x);
                break;
            case "SOFTMAX" when x.Shape.IsVector:
                Emit(op, new SoftmaxLayer(NameOf(op, "softmax")) { Inputs = [x.Name] }, x.Shape);
                break;
            case "SOFTMAX":
                _problems.Add(op, "input", $"softmax over {x.Shape}: only over a vector");
                break;
            case "QUANTIZE" or "DEQUANTIZE":
                _problems.Add(op, null, "a float model (float32 input) with QUANTIZE or DEQUANTIZE: models that mix float and quantized parts are not mapped");
                break;
            default:
                _problems.Add(op, null, "operator not mapped from a float TFLite model (mapped: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN, RESHAPE, SOFTMAX)");
                break;
        }
    }

    private void Convolution(SourceOperator op, ConvolutionOptions options, Value x, bool depthwise)
    {
        if (TfliteAttributes.Activation(_problems, op, options.Activation) is not { } activation || TfliteAttributes.Padding(_problems, op, options.Padding) is not { } padding)
        {
            return;
        }

        if (x.Shape.IsVector)
        {
            // After MEAN the format holds [1, 1, 1, C] as a vector; a 1x1 convolution of it is a dense layer.
            if (options.KernelHeight != 1 || options.KernelWidth != 1 || depthwise)
            {
                _problems.Add(op, "filter", $"a {options.KernelHeight}x{options.KernelWidth} {(depthwise ? "depthwise " : "")}convolution of a 1x1 tensor: only 1x1 convolutions of it (dense layers) are mapped");
            }
            else if (Weights(op, FilterLayout.UnitsInputs) is { } dense)
            {
                Emit(op, new DenseLayer(NameOf(op, "dense"), dense.OutputChannels, activation, dense, null) { Inputs = [x.Name] },
                    TensorShape.Vector(dense.OutputChannels), "as dense: a 1x1 convolution of a 1x1 tensor");
            }

            return;
        }

        if (Weights(op, depthwise ? FilterLayout.Depthwise : FilterLayout.Ohwi) is not { } weights)
        {
            return;
        }

        int outH = TensorChain.OutputSize(x.Shape.Height, options.KernelHeight, options.StrideHeight, padding);
        int outW = TensorChain.OutputSize(x.Shape.Width, options.KernelWidth, options.StrideWidth, padding);
        Layer layer = depthwise
            ? new DepthwiseConv2DLayer(NameOf(op, "dwconv"), options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, padding, activation, weights, null) { Inputs = [x.Name] }
            : new Conv2DLayer(NameOf(op, "conv"), weights.OutputChannels, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, padding, activation, weights, null) { Inputs = [x.Name] };
        Emit(op, layer, TensorShape.Image(outH, outW, weights.OutputChannels));
    }

    private void FullyConnected(SourceOperator op, FullyConnectedOptions options, Value x)
    {
        if (TfliteAttributes.Activation(_problems, op, options.Activation) is not { } activation || Weights(op, FilterLayout.UnitsInputs) is not { } weights)
        {
            return;
        }

        int inputs = weights.Values.Length / weights.OutputChannels;
        if (inputs != x.Shape.Length)
        {
            _problems.Add(op, $"input 1 '{_model.Tensors[op.Inputs[1]].Name}'", $"{inputs} inputs per unit for a {x.Shape} input of {x.Shape.Length} values");
            return;
        }

        string from = x.Name;
        string? how = null;
        if (!x.Shape.IsVector)
        {
            // TFLite flattens an NHWC input in h, w, c order.
            var flatten = new FlattenLayer(NameOf(op, "flatten"), FlattenOrder.Hwc) { Inputs = [from] };
            _layers.Add(flatten);
            from = flatten.Name;
            how = $"after flatten {flatten.Name} (hwc)";
        }

        Emit(op, new DenseLayer(NameOf(op, "dense"), weights.OutputChannels, activation, weights, null) { Inputs = [from] }, TensorShape.Vector(weights.OutputChannels), how);
    }

    private void Add(SourceOperator op, ElementwiseOptions options, List<Value> inputs)
    {
        if (inputs is not [var a, var b])
        {
            _problems.Add(op, "inputs", "an addition of a constant is not mapped: the format adds two computed tensors");
        }
        else if (a.Shape != b.Shape)
        {
            _problems.Add(op, "inputs", $"adds {a.Shape} and {b.Shape}: broadcasting additions are not supported");
        }
        else if (TfliteAttributes.Activation(_problems, op, options.Activation) is { } activation)
        {
            Emit(op, new AddLayer(NameOf(op, "add"), activation, null) { Inputs = [a.Name, b.Name] }, a.Shape);
        }
    }

    private void Pool(SourceOperator op, PoolOptions options, Value x)
    {
        if (x.Shape.IsVector)
        {
            _problems.Add(op, "input", $"a pool of the 1x1 tensor {x.Name}: only pools of images are mapped");
            return;
        }

        if (TfliteAttributes.Padding(_problems, op, options.Padding) is not { } padding)
        {
            return;
        }

        if (options.Activation != FusedActivation.None)
        {
            _problems.Add(op, "fused_activation_function", $"{options.Activation}: the format's pools have no fused activation");
            return;
        }

        bool isMax = op.Type == "MAX_POOL_2D";
        var layer = new Pool2DLayer(NameOf(op, isMax ? "maxpool" : "avgpool"), isMax, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, padding) { Inputs = [x.Name] };
        Emit(op, layer, TensorShape.Image(
            TensorChain.OutputSize(x.Shape.Height, options.KernelHeight, options.StrideHeight, padding),
            TensorChain.OutputSize(x.Shape.Width, options.KernelWidth, options.StrideWidth, padding), x.Shape.Channels));
    }

    private void Reshape(SourceOperator op, Value x)
    {
        var target = _model.Tensors[op.Outputs[0]].Shape!;
        var flattens = TfliteAttributes.ReshapeFlattens(target, x.Shape);
        if (flattens == false)
        {
            _values[op.Outputs[0]] = x;
            _report.Drop(op, $"shape only: {x.Shape} stays {x.Shape}");
        }
        else if (flattens == true)
        {
            Emit(op, new FlattenLayer(NameOf(op, "flatten"), FlattenOrder.Hwc) { Inputs = [x.Name] }, TensorShape.Vector(x.Shape.Length));
        }
        else
        {
            _problems.Add(op, "new_shape", $"reshaping {x.Shape} into [{string.Join(",", target)}]: only flattening into [1, N] is mapped");
        }
    }

    /// <summary>The float32 filter (input 1) in the format's layout and the float32 bias (input 2, zeros when absent), or null after reporting why not.</summary>
    private Float32Weights? Weights(SourceOperator op, FilterLayout layout)
    {
        var filter = _model.Tensors[op.Inputs[1]];
        if (filter.Type != ElementType.Float32 || !filter.IsConstant)
        {
            // Validated: constant. Int8 filters in a float model are TFLite's dynamic-range ("hybrid") quantization.
            _problems.Add(op, $"input 1 '{filter.Name}'", $"{filter.Type} weights in a float model (dynamic-range quantization): only float32 weights are mapped from a float model");
            return null;
        }

        var shape = filter.Shape!;
        int channels = layout == FilterLayout.Depthwise ? shape[^1] : shape[0];
        float[] bias = new float[channels];
        if (op.Inputs.Count > 2 && op.Inputs[2] >= 0)
        {
            var tensor = _model.Tensors[op.Inputs[2]];
            if (tensor.Type != ElementType.Float32 || tensor.ElementCount != channels)
            {
                _problems.Add(op, $"input 2 '{tensor.Name}'", $"{tensor.Type} bias of {tensor.ElementCount} values: a float model's bias is float32, one per output channel ({channels})");
                return null;
            }

            bias = tensor.ReadFloat32();
        }

        return new Float32Weights(Reorder(filter.ReadFloat32(), shape, layout), bias);
    }

    private void Emit(SourceOperator op, Layer layer, TensorShape shape, string? how = null)
    {
        _layers.Add(layer);
        _values[op.Outputs[0]] = new Value(layer.Name, shape);
        string precision = layer is WeightedLayer ? " (float32)" : "";
        _report.Map(op, $"{TfliteAttributes.OpName(layer)} {layer.Name}{precision}{(how is null ? "" : $" ({how})")}");
    }

    private static string NameOf(SourceOperator op, string kind) => $"{kind}_{op.Index}";
}

using ModelCompiler.Format;
using FormatPadding = ModelCompiler.Format.Padding;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// The compute nodes of <see cref="OnnxQdqMapper"/>: Conv, Gemm, MatMul (+ Add), Add, a fused Relu or Clip, the pools
/// and Flatten, each built as a <c>Pending</c> layer that the following QuantizeLinear completes, or emitted at once.
/// </summary>
internal sealed partial class OnnxQdqMapper
{
    private void Convolution(SourceOperator op, ConvolutionOptions options, Value value)
    {
        if (Grid(op, value, needsGrid: true) is not { } x || x.Shape.IsVector && Fail(op, "input 0", "a convolution of a vector"))
        {
            return;
        }

        bool depthwise = options.Groups > 1;
        var padding = Padding(op, options.Padding, x.Shape, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, allowPadLayer: true, ref x);
        if (padding is not { } pad || WeightsAndBias(op, 0, 2, x.Quant.Scale) is not { } weights)
        {
            return;
        }

        int outH = TensorChain.OutputSize(x.Shape.Height, options.KernelHeight, options.StrideHeight, pad);
        int outW = TensorChain.OutputSize(x.Shape.Width, options.KernelWidth, options.StrideWidth, pad);
        string from = x.Name;
        _values[op.Outputs[0]] = depthwise
            ? new Pending(op, TensorShape.Image(outH, outW, weights.OutputChannels), Activation.None, (name, a, q) => new DepthwiseConv2DLayer(
                name, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, pad, a, weights, q) { Inputs = [from] }, "dwconv")
            : new Pending(op, TensorShape.Image(outH, outW, weights.OutputChannels), Activation.None, (name, a, q) => new Conv2DLayer(
                name, weights.OutputChannels, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, pad, a, weights, q) { Inputs = [from] }, "conv");
    }

    private void Gemm(SourceOperator op, GemmOptions options, Value value)
    {
        if (options.Alpha != 1f || options.Beta != 1f)
        {
            _problems.Add(op, options.Alpha != 1f ? "alpha" : "beta", $"alpha {options.Alpha}, beta {options.Beta}: a QDQ Gemm must have alpha = beta = 1");
        }
        else if (Grid(op, value, needsGrid: true) is { } x && Vector(op, x) && WeightsAndBias(op, options.TransB ? 0 : 1, 2, x.Quant.Scale) is { } weights)
        {
            _values[op.Outputs[0]] = new Pending(op, TensorShape.Vector(weights.OutputChannels), Activation.None,
                (name, a, q) => new DenseLayer(name, weights.OutputChannels, a, weights, q) { Inputs = [x.Name] }, "dense");
        }
    }

    /// <summary>MatMul by a constant <c>[K, N]</c>: a dense layer, whose bias an Add of a constant may supply before the QuantizeLinear.</summary>
    private void MatMul(SourceOperator op, Value value)
    {
        if (Grid(op, value, needsGrid: true) is { } x && Vector(op, x) && WeightsAndBias(op, 1, -1, x.Quant.Scale) is { } weights)
        {
            _values[op.Outputs[0]] = new Pending(op, TensorShape.Vector(weights.OutputChannels), Activation.None,
                (name, a, q) => new DenseLayer(name, weights.OutputChannels, a, weights, q) { Inputs = [x.Name] }, "dense", (weights, x));
        }
    }

    private void Add(SourceOperator op, List<Value> inputs)
    {
        if (inputs is [Pending { MatMulWeights: var (weights, x), Activation: Activation.None } matmul] && op.Inputs.Count(_constants.IsConstant) == 1)
        {
            // MatMul + Add of a constant: the dense layer's bias, at the MatMul's weight scales.
            if (_constants.Bias(op, op.Inputs.ToList().FindIndex(_constants.IsConstant), x.Quant.Scale, weights.Scales) is { } bias)
            {
                var withBias = new Int8Weights(weights.Values, weights.Scales, bias, weights.WeightBits, weights.WeightZeroPoint);
                _values[op.Outputs[0]] = matmul with
                {
                    Build = (name, a, q) => new DenseLayer(name, withBias.OutputChannels, a, withBias, q) { Inputs = [x.Name] },
                    MatMulWeights = null,
                };
                _report.Fold(op, $"the bias of {ImportReport.Describe(matmul.Op)}");
            }

            return;
        }

        if (inputs.Count != 2 || Grid(op, inputs[0], needsGrid: true) is not { } a || Grid(op, inputs[1], needsGrid: true) is not { } b)
        {
            if (inputs.Count != 2)
            {
                _problems.Add(op, "B", "an addition of a constant is mapped only as the bias of a MatMul");
            }

            return;
        }

        if (a.Shape != b.Shape)
        {
            _problems.Add(op, "B", $"adds {a.Shape} and {b.Shape}: broadcasting additions are not supported");
            return;
        }

        _values[op.Outputs[0]] = new Pending(op, a.Shape, Activation.None, (name, act, q) => new AddLayer(name, act, q) { Inputs = [a.Name, b.Name] }, "add");
    }

    /// <summary>Relu or Clip between a compute node and its QuantizeLinear: the layer's fused activation.</summary>
    private void Activate(SourceOperator op, Value value)
    {
        var activation = op.Options is ClipOptions { Max: 6f } ? Activation.Relu6 : Activation.Relu; // validated: [0, 6] or [0, inf)
        if (value is Pending { Activation: Activation.None } p)
        {
            _values[op.Outputs[0]] = p with { Activation = activation };
            _report.Fold(op, $"the fused activation of {ImportReport.Describe(p.Op)}");
            return;
        }

        if (value is Quantized { OnGrid: true } x && _layers.Count > 0 && _layers[^1].Name == x.Name && _built.TryGetValue(x.Name, out var built)
            && built.Activation == Activation.None && built.MatMulWeights is null)
        {
            // Relu or Clip(0, 6) of a layer's quantized output, quantized again with the same parameters (PyTorch writes
            // ReLU6 so): clamping q to [q(0), q(6)] is what the format's fused activation does at the output quantization.
            _layers.RemoveAt(_layers.Count - 1);
            _built.Remove(x.Name);
            _values[op.Outputs[0]] = built with { Activation = activation, SameQuant = x.Quant };
            _report.Fold(op, $"the fused activation of {ImportReport.Describe(built.Op)} (after its QuantizeLinear, same quantization)");
            return;
        }

        _problems.Add(op, null, value is Pending
            ? "a second activation of the same layer is not supported"
            : $"{op.Type} of a quantized value: only right after a Conv, Gemm, MatMul or Add (before or after its QuantizeLinear) is it mapped, as the fused activation");
    }

    private void Pool(SourceOperator op, PoolOptions options, Value value)
    {
        bool isMax = op.Type == "MaxPool";
        if (Grid(op, value, needsGrid: isMax ? false : true) is not { } x || x.Shape.IsVector && Fail(op, "input 0", "pooling a vector"))
        {
            return;
        }

        if (Padding(op, options.Padding, x.Shape, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, allowPadLayer: false, ref x) is not { } pad)
        {
            return;
        }

        var layer = new Pool2DLayer(NameOf(op, isMax ? "maxpool" : "avgpool"), isMax, options.KernelHeight, options.KernelWidth, options.StrideHeight, options.StrideWidth, pad) { Inputs = [x.Name] };
        var shape = TensorShape.Image(
            TensorChain.OutputSize(x.Shape.Height, options.KernelHeight, options.StrideHeight, pad),
            TensorChain.OutputSize(x.Shape.Width, options.KernelWidth, options.StrideWidth, pad), x.Shape.Channels);
        Emit(op, layer, shape, x.Quant, onGrid: isMax && x.OnGrid);
    }

    private void Flatten(SourceOperator op, Value value)
    {
        var order = value is ChannelsLast ? FlattenOrder.Hwc : FlattenOrder.Chw;
        if (Grid(op, value is ChannelsLast t ? t.Source : value, needsGrid: false) is not { } x)
        {
            return;
        }

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
            Emit(op, new FlattenLayer(NameOf(op, "flatten"), order) { Inputs = [x.Name] }, TensorShape.Vector(x.Shape.Length), x.Quant, x.OnGrid);
        }
    }

    /// <summary>
    /// The format's padding for ONNX pads: VALID, or TensorFlow's SAME when the explicit amounts are what SAME gives for
    /// this input; otherwise (convolutions only) a pad layer in front of a VALID convolution, since a convolution pads
    /// with 0.0 (the zero point), as the pad layer does. Pools pad with nothing (ignored cells), which a pad layer is not.
    /// </summary>
    private FormatPadding? Padding(SourceOperator op, Padding padding, TensorShape input, int kh, int kw, int sh, int sw, bool allowPadLayer, ref Quantized x)
    {
        if (OnnxPadding.ToFormat(padding, input, kh, kw, sh, sw) is { } mapped)
        {
            return mapped;
        }

        if (!allowPadLayer)
        {
            _problems.Add(op, "pads", OnnxPadding.PoolProblem(padding, input, kh, kw, sh, sw));
            return null;
        }

        var pad = new PadLayer(NameOf(op, "pad"), padding.Top, padding.Bottom, padding.Left, padding.Right) { Inputs = [x.Name] };
        _layers.Add(pad);
        x = x with { Name = pad.Name, Shape = TensorShape.Image(input.Height + padding.Top + padding.Bottom, input.Width + padding.Left + padding.Right, input.Channels) };
        return FormatPadding.Valid;
    }

    private Int8Weights? WeightsAndBias(SourceOperator op, int outputAxis, int biasInput, float inputScale)
    {
        if (_constants.Weights(op, 1, outputAxis) is not var (values, scales, zeroPoint))
        {
            return null;
        }

        if ((biasInput < 0 ? new int[scales.Length] : _constants.Bias(op, biasInput, inputScale, scales)) is not { } bias)
        {
            return null;
        }

        // A zero point needs the 8-bit range (w − zw spans [-255, 255]); 7 bits are for symmetric layers only.
        return new Int8Weights(values, scales, bias, zeroPoint == 0 ? _weightBits : Int8Weights.FullBits, zeroPoint);
    }
}

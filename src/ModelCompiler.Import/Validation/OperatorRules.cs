namespace ModelCompiler.Import.Validation;

/// <summary>
/// The per-operator checks of <see cref="SourceModelValidator"/>: attribute values the importer cannot represent,
/// named with the source's own attribute names (TFLite <c>dilation_h_factor</c>, ONNX <c>dilations</c>).
/// </summary>
internal sealed class OperatorRules(SourceModel model, ImportProblems problems)
{
    private bool IsTflite => model.Format == SourceFormat.Tflite;

    public void Check(SourceOperator op)
    {
        switch (op.Options)
        {
            case ConvolutionOptions c:
                Convolution(op, c);
                break;
            case PoolOptions p:
                Pool(op, p);
                break;
            case FullyConnectedOptions f:
                Activation(op, f.Activation);
                break;
            case ElementwiseOptions e:
                Activation(op, e.Activation);
                break;
            case GemmOptions g when g.TransA:
                problems.Add(op, "transA", "a transposed first input is not supported");
                break;
            case SoftmaxOptions s:
                Softmax(op, s);
                break;
            case ReduceOptions r:
                Mean(op, r);
                break;
            case ReshapeOptions { NewShape: null }:
                problems.Add(op, IsTflite ? "new_shape" : "shape", "the target shape is not a constant");
                break;
            case ClipOptions clip:
                Clip(op, clip);
                break;
            case PadOptions pad:
                Pad(op, pad);
                break;
            case TransposeOptions { IsChannelsLast: false } t:
                problems.Add(op, "perm", $"permutation [{(t.Perm is null ? "reversed" : string.Join(",", t.Perm))}]: only [0,2,3,1] (NCHW to NHWC) before a Flatten or Reshape into [1, N] is mapped");
                break;
        }

        if (op.Outputs.Count > 0 && op.Outputs[0] >= 0 && model.Tensors[op.Outputs[0]].Shape is null
            && op.Inputs.Where(i => i >= 0).All(i => model.Tensors[i].Shape is not null))
        {
            problems.Add(op, null, "its input shapes do not fit together (the output shape cannot be computed)");
        }
    }

    private void Convolution(SourceOperator op, ConvolutionOptions c)
    {
        if (c.DilationHeight != 1 || c.DilationWidth != 1)
        {
            problems.Add(op, IsTflite ? (c.DilationHeight != 1 ? "dilation_h_factor" : "dilation_w_factor") : "dilations",
                $"dilation {c.DilationHeight}x{c.DilationWidth}: dilated convolutions are not supported");
        }

        if (c.StrideHeight < 1 || c.StrideWidth < 1)
        {
            problems.Add(op, IsTflite ? "stride_h/stride_w" : "strides", $"stride {c.StrideHeight}x{c.StrideWidth} must be at least 1");
        }

        if (c.KernelHeight < 1 || c.KernelWidth < 1)
        {
            problems.Add(op, IsTflite ? "filter" : "kernel_shape", $"kernel {c.KernelHeight}x{c.KernelWidth}: the filter must be a 4-D constant");
        }

        int inputChannels = Channels(op, 0);
        var filter = op.Inputs.Count > 1 && op.Inputs[1] >= 0 ? model.Tensors[op.Inputs[1]].Shape : null;
        if (op.Type == "DEPTHWISE_CONV_2D")
        {
            if (c.DepthMultiplier != 1)
            {
                problems.Add(op, "depth_multiplier", $"depth multiplier {c.DepthMultiplier}: only 1 is supported");
            }
            else if (filter is { Count: 4 } && inputChannels > 0 && filter[3] != inputChannels)
            {
                problems.Add(op, "depth_multiplier", $"the filter has {filter[3]} channels for {inputChannels} input channels and multiplier 1");
            }
        }
        else if (op.Type == "CONV_2D" && filter is { Count: 4 } && inputChannels > 0 && filter[3] != inputChannels)
        {
            problems.Add(op, "filter", $"the filter has {filter[3]} input channels for an input of {inputChannels}: grouped convolutions are not supported");
        }
        else if (op.Type == "Conv" && c.Groups != 1)
        {
            // One input channel per group, as many groups as input channels (when the input's shape is unknown,
            // another problem upstream says why; judge by the filter alone then).
            bool depthwise = filter is { Count: 4 } && filter[1] == 1 && (inputChannels == 0 || inputChannels == c.Groups);
            if (!depthwise)
            {
                problems.Add(op, "group", $"group {c.Groups}: grouped convolutions are not supported (only 1, or one group per input channel)");
            }
            else if (c.DepthMultiplier != 1)
            {
                problems.Add(op, "group", $"depthwise with {filter![0]} output channels for {c.Groups} inputs: depth multiplier {c.DepthMultiplier}, only 1 is supported");
            }
        }

        Activation(op, c.Activation);
    }

    private void Pool(SourceOperator op, PoolOptions p)
    {
        if (p.KernelHeight < 1 || p.KernelWidth < 1 || p.StrideHeight < 1 || p.StrideWidth < 1)
        {
            problems.Add(op, IsTflite ? "filter_height/filter_width/stride_h/stride_w" : "kernel_shape/strides",
                $"pool {p.KernelHeight}x{p.KernelWidth} stride {p.StrideHeight}x{p.StrideWidth}: all must be at least 1");
        }

        if (p.DilationHeight != 1 || p.DilationWidth != 1)
        {
            problems.Add(op, "dilations", $"dilation {p.DilationHeight}x{p.DilationWidth}: dilated pools are not supported");
        }

        if (p.CeilMode)
        {
            problems.Add(op, "ceil_mode", "rounding the output size up is not supported");
        }

        bool padded = p.Padding.Kind == PaddingKind.Same || (p.Padding.Kind == PaddingKind.Explicit && (p.Padding.Top | p.Padding.Left | p.Padding.Bottom | p.Padding.Right) != 0);
        if (p.CountIncludePad && padded)
        {
            problems.Add(op, "count_include_pad", "averages that count padded cells are not supported (padded cells are skipped)");
        }

        Activation(op, p.Activation);
    }

    private void Softmax(SourceOperator op, SoftmaxOptions s)
    {
        if (s.Beta != 1)
        {
            problems.Add(op, "beta", $"beta {s.Beta}: only 1 is supported");
        }

        int rank = Rank(op, 0);
        if (s.Axis != -1 && (rank < 0 || s.Axis != rank - 1))
        {
            problems.Add(op, "axis", $"axis {s.Axis}: only the last axis is supported");
        }
    }

    private void Mean(SourceOperator op, ReduceOptions r)
    {
        if (r.Axes is null)
        {
            problems.Add(op, "axis", "the axes are not a constant");
        }
        else if (Rank(op, 0) != 4 || r.Axes.Select(a => a < 0 ? a + 4 : a).Order().SequenceEqual([1, 2]) is false)
        {
            problems.Add(op, "axis", $"[{string.Join(",", r.Axes)}]: only the mean over height and width (axes 1 and 2 of NHWC) is supported");
        }
    }

    private void Clip(SourceOperator op, ClipOptions clip)
    {
        if (clip.Min is not { } min || clip.Max is not { } max)
        {
            problems.Add(op, clip.Min is null ? "min" : "max", "the bound is not a constant");
            return;
        }

        if (min != 0 || (max != 6 && !float.IsPositiveInfinity(max)))
        {
            problems.Add(op, "min/max", $"clip to [{min}, {max}]: only [0, 6] (ReLU6) and [0, +inf) (ReLU) are supported");
        }
    }

    private void Pad(SourceOperator op, PadOptions pad)
    {
        if (pad.Pads is null)
        {
            problems.Add(op, "pads", "the amounts are not a constant");
        }
        else if (pad.Pads.Count != 8 || pad.Pads[0] != 0 || pad.Pads[1] != 0 || pad.Pads[4] != 0 || pad.Pads[5] != 0 || pad.Pads.Any(p => p < 0))
        {
            problems.Add(op, "pads", $"[{string.Join(",", pad.Pads)}]: only non-negative padding of height and width of an NCHW tensor is supported");
        }

        if (pad.Value != 0)
        {
            problems.Add(op, "constant_value", $"padding with {pad.Value}: only 0 is supported");
        }
    }

    private void Activation(SourceOperator op, FusedActivation activation)
    {
        if (activation is not (FusedActivation.None or FusedActivation.Relu or FusedActivation.Relu6))
        {
            problems.Add(op, "fused_activation_function", $"{activation}: only NONE, RELU and RELU6 are supported");
        }
    }

    private int Rank(SourceOperator op, int input) =>
        input < op.Inputs.Count && op.Inputs[input] >= 0 && model.Tensors[op.Inputs[input]].Shape is { } s ? s.Count : -1;

    /// <summary>The channel count of a 4-D input in the model's layout, or 0 if unknown.</summary>
    private int Channels(SourceOperator op, int input)
    {
        if (input >= op.Inputs.Count || op.Inputs[input] < 0 || model.Tensors[op.Inputs[input]].Shape is not { Count: 4 } shape)
        {
            return 0;
        }

        return model.Layout == TensorLayout.Nhwc ? shape[3] : shape[1];
    }
}

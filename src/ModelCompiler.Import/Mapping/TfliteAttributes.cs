using ModelCompiler.Format;
using FormatPadding = ModelCompiler.Format.Padding;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// TFLite's per-operator attributes in the format's terms (activation quantization, fused activation, padding), each
/// either converted or reported as one problem naming the operator and the attribute.
/// </summary>
internal static class TfliteAttributes
{
    /// <summary>The per-tensor int8 quantization of a run-time tensor, or null after reporting why there is none.</summary>
    public static QuantParams? Quant(SourceModel model, ImportProblems problems, SourceOperator? op, int index)
    {
        var tensor = model.Tensors[index];
        string location = op?.Describe() ?? $"tensor {index} '{tensor.Name}'";
        if (tensor.Type == ElementType.UInt8 && tensor.Quantization is { IsPerChannel: false } u && u.ZeroPoints[0] is >= 0 and <= 255)
        {
            // TFLite's legacy scheme: q8 = q - 128 with zero point z - 128 is exact, and every kernel only uses q - z.
            return new QuantParams(u.Scales[0], (int)u.ZeroPoints[0] - 128);
        }

        if (tensor.Type != ElementType.Int8 || tensor.Quantization is not { } q || q.IsPerChannel || q.ZeroPoints[0] is < -128 or > 127)
        {
            problems.Add(location, $"output '{tensor.Name}'",
                $"{tensor.Type} {(tensor.Quantization is { IsPerChannel: true } ? "per-channel " : "")}activation: the format's activations are int8 (or uint8, shifted by 128) with one scale and zero point");
            return null;
        }

        return new QuantParams(q.Scales[0], (int)q.ZeroPoints[0]);
    }

    public static Format.Activation? Activation(ImportProblems problems, SourceOperator op, FusedActivation activation)
    {
        switch (activation)
        {
            case FusedActivation.None:
                return Format.Activation.None;
            case FusedActivation.Relu:
                return Format.Activation.Relu;
            case FusedActivation.Relu6:
                return Format.Activation.Relu6;
            default:
                problems.Add(op, "fused_activation_function", $"{activation}: only NONE, RELU and RELU6 are supported");
                return null;
        }
    }

    public static FormatPadding? Padding(ImportProblems problems, SourceOperator op, Padding padding)
    {
        switch (padding.Kind)
        {
            case PaddingKind.Same:
                return FormatPadding.Same;
            case PaddingKind.Valid:
                return FormatPadding.Valid;
            default:
                problems.Add(op, "padding", $"{padding}: only SAME and VALID");
                return null;
        }
    }

    /// <summary>
    /// What a RESHAPE of <paramref name="input"/> into <paramref name="target"/> is in the format: false, nothing (the
    /// same image, or a vector into the same vector); true, a flatten in TFLite's h, w, c order; null, not mappable.
    /// </summary>
    public static bool? ReshapeFlattens(IReadOnlyList<int> target, TensorShape input)
    {
        long length = target.Aggregate(1L, (n, d) => n * d);
        bool toVector = target.Count(d => d != 1) <= 1 && (target.Count < 4 || input.IsVector);
        bool same = target.Count == 4 && !input.IsVector && (target[1], target[2], target[3]) == (input.Height, input.Width, input.Channels);
        if (same || (toVector && input.IsVector && length == input.Channels))
        {
            return false;
        }

        return target.Count == 2 && !input.IsVector && length == input.Length ? true : null;
    }

    /// <summary>The op as the format spells it (<c>depthwise_conv2d</c>), for the report.</summary>
    public static string OpName(Layer layer) => layer.Op switch
    {
        LayerOp.Conv2D => "conv2d",
        LayerOp.DepthwiseConv2D => "depthwise_conv2d",
        LayerOp.Dense => "dense",
        LayerOp.Add => "add",
        LayerOp.MaxPool2D => "maxpool2d",
        LayerOp.AveragePool2D => "avgpool2d",
        LayerOp.GlobalAveragePool => "global_avgpool",
        LayerOp.Flatten => "flatten",
        LayerOp.Quantize => "quantize",
        _ => layer.Op.ToString().ToLowerInvariant(),
    };
}

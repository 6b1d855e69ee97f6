namespace ModelCompiler.Format;

/// <summary>
/// Depthwise 2-D convolution over an (H, W, C) tensor with depth multiplier 1: output channel c is input channel c
/// convolved with its own KH x KW filter, plus a fused activation. The channel count is the input's; the weights are
/// <c>[C][1][KH][KW]</c> (PyTorch's depthwise <c>Conv2d(C, C, groups=C)</c>), with one scale and one bias per channel.
/// </summary>
public sealed class DepthwiseConv2DLayer(
    string name, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
    Padding padding, Activation activation, WeightData weights, QuantParams? outputQuant)
    : WeightedLayer(name, activation, weights, outputQuant)
{
    public int KernelHeight { get; } = kernelHeight;
    public int KernelWidth { get; } = kernelWidth;
    public int StrideHeight { get; } = strideHeight;
    public int StrideWidth { get; } = strideWidth;
    public Padding Padding { get; } = padding;

    /// <summary>Input and output channels, as the weights carry them (one bias per channel); a valid model's input has as many.</summary>
    public int Channels => Weights.OutputChannels;

    public override LayerOp Op => LayerOp.DepthwiseConv2D;
}

/// <summary><c>depthwise_conv2d</c>: weights <c>[channels][1][kernel h][kernel w]</c>, TensorFlow padding, channels from the input.</summary>
internal sealed class DepthwiseConv2DOperator() : UnaryOperator<DepthwiseConv2DLayer>(
    LayerOp.DepthwiseConv2D, "depthwise_conv2d", ["precision", "kernel", "stride", "padding", "activation", "output_quant", "weight_bits", "weight_zero_point", "rounding"], hasBlocks: true)
{
    public static readonly DepthwiseConv2DOperator Instance = new();

    public override int SinceVersion => 2;

    public override Layer Read(LayerFields f)
    {
        var precision = f.Precision();
        var (kh, kw) = f.Pair("kernel");
        var (sh, sw) = f.Pair("stride");
        var padding = f.Padding();
        var activation = f.Activation();
        var outputQuant = f.OutputQuantFor(precision);
        int weightBits = f.WeightBitsFor(precision);
        int weightZeroPoint = f.WeightZeroPointFor(precision, weightBits);

        // The channel count comes from the input tensor, known only when the layers are chained; here the bias block
        // sets it, so a weight_scales block of another length is reported at its own line.
        var weights = WeightBlocks.Assemble(f, precision, outputs: null, weightBits, weightZeroPoint);
        return new DepthwiseConv2DLayer(f.Name, kh, kw, sh, sw, padding, activation, weights, outputQuant) { RoundingOverride = f.RoundingFor(precision), Line = f.Header.Number };
    }

    protected override void Write(LayerTextWriter w, DepthwiseConv2DLayer layer)
    {
        w.Word("precision", Vocabulary.Precisions, layer.Precision);
        w.Pair("kernel", layer.KernelHeight, layer.KernelWidth);
        w.Pair("stride", layer.StrideHeight, layer.StrideWidth);
        w.Word("padding", Vocabulary.Paddings, layer.Padding);
        w.Word("activation", Vocabulary.Activations, layer.Activation);
        w.Constants(layer);
    }

    protected override TensorInfo Infer(DepthwiseConv2DLayer layer, TensorInfo input)
    {
        LayerChecks.RequireImage(input, layer);
        var (oh, ow) = LayerChecks.Window(input, layer, "kernel", layer.KernelHeight, layer.KernelWidth, layer.StrideHeight, layer.StrideWidth, layer.Padding);
        int channels = input.Shape.Channels;
        if (layer.Channels != channels)
        {
            throw new QModelFormatException(
                QModelError.WeightCountMismatch, layer.Line, $"depthwise layer '{layer.Name}' has {layer.Channels} channels (bias values) but its input has {channels}");
        }

        var outKind = LayerChecks.Weighted(input, layer, channels, (long)layer.KernelHeight * layer.KernelWidth);
        return new TensorInfo(LayerChecks.Image(oh, ow, channels, layer), outKind, layer.OutputQuant);
    }
}

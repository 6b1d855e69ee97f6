namespace ModelCompiler.Format;

/// <summary>
/// 2-D convolution over an (H, W, C) tensor with a fused activation. Int8 layers carry the quantization of their
/// output; the input's comes from the tensor feeding them.
/// </summary>
public sealed class Conv2DLayer(
    string name, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
    Padding padding, Activation activation, WeightData weights, QuantParams? outputQuant)
    : WeightedLayer(name, activation, weights, outputQuant)
{
    public int Filters { get; } = filters;
    public int KernelHeight { get; } = kernelHeight;
    public int KernelWidth { get; } = kernelWidth;
    public int StrideHeight { get; } = strideHeight;
    public int StrideWidth { get; } = strideWidth;
    public Padding Padding { get; } = padding;
    public override LayerOp Op => LayerOp.Conv2D;
}

/// <summary><c>conv2d</c>: OIHW weights <c>[filters][in channels][kernel h][kernel w]</c>, TensorFlow padding.</summary>
internal sealed class Conv2DOperator() : UnaryOperator<Conv2DLayer>(
    LayerOp.Conv2D, "conv2d", ["precision", "filters", "kernel", "stride", "padding", "activation", "output_quant", "weight_bits", "weight_zero_point", "rounding"], hasBlocks: true)
{
    public static readonly Conv2DOperator Instance = new();

    public override Layer Read(LayerFields f)
    {
        var precision = f.Precision();
        int filters = f.Dimension("filters");
        var (kh, kw) = f.Pair("kernel");
        var (sh, sw) = f.Pair("stride");
        var padding = f.Padding();
        var activation = f.Activation();
        var outputQuant = f.OutputQuantFor(precision);
        int weightBits = f.WeightBitsFor(precision);
        int weightZeroPoint = f.WeightZeroPointFor(precision, weightBits);
        var weights = WeightBlocks.Assemble(f, precision, filters, weightBits, weightZeroPoint);
        return new Conv2DLayer(f.Name, filters, kh, kw, sh, sw, padding, activation, weights, outputQuant) { RoundingOverride = f.RoundingFor(precision), Line = f.Header.Number };
    }

    protected override void Write(LayerTextWriter w, Conv2DLayer conv)
    {
        w.Word("precision", Vocabulary.Precisions, conv.Precision);
        w.Attribute("filters", conv.Filters);
        w.Pair("kernel", conv.KernelHeight, conv.KernelWidth);
        w.Pair("stride", conv.StrideHeight, conv.StrideWidth);
        w.Word("padding", Vocabulary.Paddings, conv.Padding);
        w.Word("activation", Vocabulary.Activations, conv.Activation);
        w.Constants(conv);
    }

    protected override TensorInfo Infer(Conv2DLayer conv, TensorInfo input)
    {
        LayerChecks.RequireImage(input, conv);
        LayerChecks.Positive(conv.Filters, conv, "filters");
        var (oh, ow) = LayerChecks.Window(input, conv, "kernel", conv.KernelHeight, conv.KernelWidth, conv.StrideHeight, conv.StrideWidth, conv.Padding);
        long perFilter = (long)input.Shape.Channels * conv.KernelHeight * conv.KernelWidth;
        var outKind = LayerChecks.Weighted(input, conv, conv.Filters, perFilter);
        return new TensorInfo(LayerChecks.Image(oh, ow, conv.Filters, conv), outKind, conv.OutputQuant);
    }
}

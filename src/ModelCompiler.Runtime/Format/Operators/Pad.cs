namespace ModelCompiler.Format;

/// <summary>
/// Zero padding of height and width (Keras ZeroPadding2D, torch ZeroPad2d, ONNX Pad with constant 0): (H, W, C) to
/// (top + H + bottom, left + W + right, C). The new cells hold 0.0, which an int8 tensor stores as its zero point, so
/// the output keeps the input's element type and quantization.
/// </summary>
public sealed class PadLayer(string name, int top, int bottom, int left, int right) : Layer(name)
{
    public int Top { get; } = top;
    public int Bottom { get; } = bottom;
    public int Left { get; } = left;
    public int Right { get; } = right;
    public override LayerOp Op => LayerOp.Pad;
}

/// <summary><c>pad</c>: <c>top_bottom T B</c>, <c>left_right L R</c>, each amount in [0, 16384].</summary>
internal sealed class PadOperator() : UnaryOperator<PadLayer>(LayerOp.Pad, "pad", ["top_bottom", "left_right"])
{
    public static readonly PadOperator Instance = new();

    public override Layer Read(LayerFields f)
    {
        var (top, bottom) = f.PaddingAmounts("top_bottom", "top", "bottom");
        var (left, right) = f.PaddingAmounts("left_right", "left", "right");
        return new PadLayer(f.Name, top, bottom, left, right) { Line = f.Header.Number };
    }

    protected override void Write(LayerTextWriter w, PadLayer pad)
    {
        w.Pair("top_bottom", pad.Top, pad.Bottom);
        w.Pair("left_right", pad.Left, pad.Right);
    }

    protected override TensorInfo Infer(PadLayer pad, TensorInfo input)
    {
        LayerChecks.RequireImage(input, pad);
        LayerChecks.Amount(pad.Top, pad, "top padding");
        LayerChecks.Amount(pad.Bottom, pad, "bottom padding");
        LayerChecks.Amount(pad.Left, pad, "left padding");
        LayerChecks.Amount(pad.Right, pad, "right padding");
        var shape = input.Shape;
        return input with
        {
            Shape = LayerChecks.Image(pad.Top + shape.Height + pad.Bottom, pad.Left + shape.Width + pad.Right, shape.Channels, pad),
        };
    }
}

namespace ModelCompiler.Format;

/// <summary>Mean over height and width: (H, W, C) to [C]. Int8 output keeps the input's quantization.</summary>
public sealed class GlobalAveragePoolLayer(string name) : Layer(name)
{
    public override LayerOp Op => LayerOp.GlobalAveragePool;
}

/// <summary><c>global_avgpool</c>: no attributes.</summary>
internal sealed class GlobalAveragePoolOperator() : UnaryOperator<GlobalAveragePoolLayer>(LayerOp.GlobalAveragePool, "global_avgpool", [])
{
    public static readonly GlobalAveragePoolOperator Instance = new();

    public override Layer Read(LayerFields f) => new GlobalAveragePoolLayer(f.Name) { Line = f.Header.Number };

    protected override TensorInfo Infer(GlobalAveragePoolLayer layer, TensorInfo input)
    {
        LayerChecks.RequireImage(input, layer);
        return input with { Shape = TensorShape.Vector(input.Shape.Channels) };
    }
}

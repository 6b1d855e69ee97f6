namespace ModelCompiler.Format;

/// <summary>(H, W, C) to [H*W*C] in the stated element order; the following Dense layer's weights use that order.</summary>
public sealed class FlattenLayer(string name, FlattenOrder order) : Layer(name)
{
    public FlattenOrder Order { get; } = order;
    public override LayerOp Op => LayerOp.Flatten;
}

/// <summary><c>flatten</c>: <c>order hwc|chw</c>.</summary>
internal sealed class FlattenOperator() : UnaryOperator<FlattenLayer>(LayerOp.Flatten, "flatten", ["order"])
{
    public static readonly FlattenOperator Instance = new();

    public override Layer Read(LayerFields f) =>
        new FlattenLayer(f.Name, FieldValues.Word(Vocabulary.FlattenOrders, f.Single("order"), f.LineOf("order"), "flatten order", QModelError.InvalidAttribute))
        {
            Line = f.Header.Number,
        };

    protected override void Write(LayerTextWriter w, FlattenLayer flatten) => w.Word("order", Vocabulary.FlattenOrders, flatten.Order);

    protected override TensorInfo Infer(FlattenLayer flatten, TensorInfo input)
    {
        LayerChecks.RequireImage(input, flatten);
        return input with { Shape = TensorShape.Vector(input.Shape.Length) };
    }
}

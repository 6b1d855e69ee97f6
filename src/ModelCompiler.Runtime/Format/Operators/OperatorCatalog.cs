namespace ModelCompiler.Format;

/// <summary>
/// The operators of the format, one line each. The reader, the writer and <see cref="TensorChain"/> find an op here
/// and let it do the rest; adding an operator is a file in <c>Format/Operators/</c> and a line in this list.
/// </summary>
internal static class OperatorCatalog
{
    /// <summary>Every operator, in the order error messages list their words.</summary>
    public static readonly LayerOperator[] All =
    [
        Conv2DOperator.Instance,
        Pool2DOperator.Max,
        Pool2DOperator.Average,
        GlobalAveragePoolOperator.Instance,
        DenseOperator.Instance,
        FlattenOperator.Instance,
        PadOperator.Instance,
        SoftmaxOperator.Instance,
        QuantizeOperator.Instance,
        DequantizeOperator.Instance,
        DepthwiseConv2DOperator.Instance,
        AddOperator.Instance,
    ];

    /// <summary>Word-to-operator table for <see cref="FieldValues.Word"/>, so an unknown op reads like any unknown word.</summary>
    public static readonly (string Word, LayerOperator Value)[] Words = All.Select(o => (o.Word, o)).ToArray();

    public static bool TryGet(LayerOp op, out LayerOperator found)
    {
        foreach (var candidate in All)
        {
            if (candidate.Op == op)
            {
                found = candidate;
                return true;
            }
        }

        found = null!;
        return false;
    }

    /// <summary>The operator of <paramref name="layer"/>; an op or layer type this version does not know is <see cref="QModelError.UnknownOp"/>.</summary>
    public static LayerOperator Of(Layer layer) => TryGet(layer.Op, out var found) ? found : throw Unsupported(layer);

    public static QModelFormatException Unsupported(Layer layer) =>
        new(QModelError.UnknownOp, layer.Line, $"layer '{layer.Name}' has an op this version does not support");
}

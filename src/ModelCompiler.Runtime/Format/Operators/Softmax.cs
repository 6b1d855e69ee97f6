namespace ModelCompiler.Format;

/// <summary>Softmax over a rank-1 tensor; only as the last layer. Output is float32 probabilities.</summary>
public sealed class SoftmaxLayer(string name) : Layer(name)
{
    public override LayerOp Op => LayerOp.Softmax;
}

/// <summary><c>softmax</c>: no attributes; the model's last layer.</summary>
internal sealed class SoftmaxOperator() : UnaryOperator<SoftmaxLayer>(LayerOp.Softmax, "softmax", [])
{
    public static readonly SoftmaxOperator Instance = new();

    public override bool OnlyLast => true;

    public override Layer Read(LayerFields f) => new SoftmaxLayer(f.Name) { Line = f.Header.Number };

    protected override TensorInfo Infer(SoftmaxLayer layer, TensorInfo input)
    {
        if (!input.Shape.IsVector)
        {
            throw LayerChecks.Mismatch(layer, $"softmax layer '{layer.Name}' needs a flat input but receives {input.Shape}");
        }

        return new TensorInfo(input.Shape, ElementKind.Float32, null);
    }
}

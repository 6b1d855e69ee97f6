namespace ModelCompiler.Format;

/// <summary>Int8 tensor to float32 with its own quantization (the boundary out of an int8 region).</summary>
public sealed class DequantizeLayer(string name) : Layer(name)
{
    public override LayerOp Op => LayerOp.Dequantize;
}

/// <summary><c>dequantize</c>: no attributes; the input tensor's quantization says how.</summary>
internal sealed class DequantizeOperator() : UnaryOperator<DequantizeLayer>(LayerOp.Dequantize, "dequantize", [])
{
    public static readonly DequantizeOperator Instance = new();

    public override Layer Read(LayerFields f) => new DequantizeLayer(f.Name) { Line = f.Header.Number };

    protected override TensorInfo Infer(DequantizeLayer layer, TensorInfo input)
    {
        if (input.Kind != ElementKind.Int8)
        {
            throw LayerChecks.Mismatch(layer, $"dequantize layer '{layer.Name}' needs an int8 input but receives a float32 tensor");
        }

        return new TensorInfo(input.Shape, ElementKind.Float32, null);
    }
}

namespace ModelCompiler.Format;

/// <summary>Float32 tensor to int8 with the given quantization (the boundary into an int8 region).</summary>
public sealed class QuantizeLayer(string name, QuantParams output) : Layer(name)
{
    public QuantParams Output { get; } = output;
    public override LayerOp Op => LayerOp.Quantize;
}

/// <summary><c>quantize</c>: <c>output_quant</c> is required.</summary>
internal sealed class QuantizeOperator() : UnaryOperator<QuantizeLayer>(LayerOp.Quantize, "quantize", ["output_quant"])
{
    public static readonly QuantizeOperator Instance = new();

    public override Layer Read(LayerFields f) => new QuantizeLayer(f.Name, f.Quant("output_quant")) { Line = f.Header.Number };

    protected override void Write(LayerTextWriter w, QuantizeLayer quantize) => w.OutputQuant(quantize.Output);

    protected override TensorInfo Infer(QuantizeLayer quantize, TensorInfo input)
    {
        if (input.Kind != ElementKind.Float32)
        {
            throw LayerChecks.Mismatch(quantize, $"quantize layer '{quantize.Name}' needs a float32 input but receives an int8 tensor");
        }

        LayerChecks.CheckQuant(quantize.Output, quantize.Line, $"quantization of layer '{quantize.Name}'");
        return new TensorInfo(input.Shape, ElementKind.Int8, quantize.Output);
    }
}

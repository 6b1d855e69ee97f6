namespace ModelCompiler.Format;

/// <summary>
/// Element-wise addition of two tensors of the same shape and element type, with a fused activation. For int8 inputs
/// (each with its own scale and zero point) the output has its own quantization, <see cref="OutputQuant"/>; float32
/// inputs give float32. The integer arithmetic (TFLite's ADD: both inputs rescaled to a common scale, added,
/// requantized) is docs/arithmetic.md's "Addition".
/// </summary>
public sealed class AddLayer(string name, Activation activation, QuantParams? outputQuant) : Layer(name)
{
    public Activation Activation { get; } = activation;

    /// <summary>Required when the inputs are int8, absent when they are float32.</summary>
    public QuantParams? OutputQuant { get; } = outputQuant;

    public override LayerOp Op => LayerOp.Add;
}

/// <summary><c>add</c>: reads two tensors (<c>inputs a b</c>); <c>activation</c>, and <c>output_quant</c> for int8.</summary>
internal sealed class AddOperator() : LayerOperator<AddLayer>(LayerOp.Add, "add", ["activation", "output_quant", "rounding"])
{
    public static readonly AddOperator Instance = new();

    public override int InputCount => 2;

    public override int SinceVersion => 2;

    public override Layer Read(LayerFields f)
    {
        var activation = f.Activation();

        // Whether the layer needs output_quant depends on its inputs' element type, known once the layers are chained.
        QuantParams? outputQuant = f.Has("output_quant") ? f.Quant("output_quant") : null;
        return new AddLayer(f.Name, activation, outputQuant) { RoundingOverride = f.RoundingFor(null), Line = f.Header.Number };
    }

    protected override void Write(LayerTextWriter w, AddLayer add)
    {
        w.Word("activation", Vocabulary.Activations, add.Activation);
        w.OutputQuant(add.OutputQuant);
        w.LayerRounding(add);
    }

    protected override TensorInfo Infer(AddLayer add, IReadOnlyList<TensorInfo> inputs)
    {
        TensorInfo first = inputs[0], second = inputs[1];
        string names = add.Inputs.Count == 2 ? $"'{add.Inputs[0]}' and '{add.Inputs[1]}'" : "its two inputs";
        if (first.Shape != second.Shape)
        {
            throw LayerChecks.Mismatch(add, $"add layer '{add.Name}' adds {names} of different shapes, {first.Shape} and {second.Shape}");
        }

        if (first.Kind != second.Kind)
        {
            throw LayerChecks.Mismatch(
                add, $"add layer '{add.Name}' adds {names} of different element types, {KindName(first.Kind)} and {KindName(second.Kind)}; quantize or dequantize one of them");
        }

        if (first.Kind == ElementKind.Float32)
        {
            if (add.OutputQuant is not null)
            {
                throw new QModelFormatException(QModelError.Syntax, add.Line, $"add layer '{add.Name}' adds float32 tensors and must not carry an output quantization");
            }

            if (add.RoundingOverride is { } rounding)
            {
                throw new QModelFormatException(
                    QModelError.InvalidAttribute, add.Line, $"add layer '{add.Name}' adds float32 tensors, which do not requantize, and must not carry 'rounding {Vocabulary.WordOf(Vocabulary.Roundings, rounding)}'");
            }

            return new TensorInfo(first.Shape, ElementKind.Float32, null);
        }

        if (add.OutputQuant is not { } quant)
        {
            throw new QModelFormatException(QModelError.MissingField, add.Line, $"add layer '{add.Name}' adds int8 tensors and has no output quantization");
        }

        LayerChecks.CheckQuant(quant, add.Line, $"output quantization of layer '{add.Name}'");
        return new TensorInfo(first.Shape, ElementKind.Int8, quant);
    }

    private static string KindName(ElementKind kind) => kind == ElementKind.Int8 ? "int8" : "float32";
}

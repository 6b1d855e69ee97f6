namespace ModelCompiler.Format;

/// <summary>Fully connected layer over a rank-1 tensor with a fused activation.</summary>
public sealed class DenseLayer(string name, int units, Activation activation, WeightData weights, QuantParams? outputQuant)
    : WeightedLayer(name, activation, weights, outputQuant)
{
    public int Units { get; } = units;
    public override LayerOp Op => LayerOp.Dense;
}

/// <summary><c>dense</c>: weights <c>[units][inputs]</c> over a flat input.</summary>
internal sealed class DenseOperator() : UnaryOperator<DenseLayer>(
    LayerOp.Dense, "dense", ["precision", "units", "activation", "output_quant", "weight_bits", "weight_zero_point", "rounding"], hasBlocks: true)
{
    public static readonly DenseOperator Instance = new();

    public override Layer Read(LayerFields f)
    {
        var precision = f.Precision();
        int units = f.Dimension("units");
        var activation = f.Activation();
        var outputQuant = f.OutputQuantFor(precision);
        int weightBits = f.WeightBitsFor(precision);
        int weightZeroPoint = f.WeightZeroPointFor(precision, weightBits);
        var weights = WeightBlocks.Assemble(f, precision, units, weightBits, weightZeroPoint);
        return new DenseLayer(f.Name, units, activation, weights, outputQuant) { RoundingOverride = f.RoundingFor(precision), Line = f.Header.Number };
    }

    protected override void Write(LayerTextWriter w, DenseLayer dense)
    {
        w.Word("precision", Vocabulary.Precisions, dense.Precision);
        w.Attribute("units", dense.Units);
        w.Word("activation", Vocabulary.Activations, dense.Activation);
        w.Constants(dense);
    }

    protected override TensorInfo Infer(DenseLayer dense, TensorInfo input)
    {
        if (!input.Shape.IsVector)
        {
            throw LayerChecks.Mismatch(dense, $"dense layer '{dense.Name}' needs a flat input but receives {input.Shape}; add a flatten layer before it");
        }

        LayerChecks.Positive(dense.Units, dense, "units");
        var outKind = LayerChecks.Weighted(input, dense, dense.Units, input.Shape.Channels);
        return new TensorInfo(TensorShape.Vector(dense.Units), outKind, dense.OutputQuant);
    }
}

using ModelCompiler.Arithmetic;

namespace ModelCompiler.Format;

/// <summary>
/// Mean over height and width: (H, W, C) to [C]. Without <see cref="OutputQuant"/> an int8 output keeps the input's
/// quantization (the rounded average of the values); with it the int8 mean rescales to that quantization as TFLite's
/// integer MEAN does (<see cref="MeanRescale"/>, docs/arithmetic.md "Global average pool that rescales").
/// </summary>
public sealed class GlobalAveragePoolLayer(string name) : Layer(name)
{
    /// <summary>The int8 output's own quantization, or null to keep the input's (the only form before it existed).</summary>
    public QuantParams? OutputQuant { get; init; }

    public override LayerOp Op => LayerOp.GlobalAveragePool;
}

/// <summary><c>global_avgpool</c>: <c>output_quant</c> and <c>rounding</c>, both optional and only on an int8 mean that rescales.</summary>
internal sealed class GlobalAveragePoolOperator() : UnaryOperator<GlobalAveragePoolLayer>(LayerOp.GlobalAveragePool, "global_avgpool", ["output_quant", "rounding"])
{
    public static readonly GlobalAveragePoolOperator Instance = new();

    public override Layer Read(LayerFields f) => new GlobalAveragePoolLayer(f.Name)
    {
        // Whether the input is int8 is known once the layers are chained (Infer).
        OutputQuant = f.Has("output_quant") ? f.Quant("output_quant") : null,
        RoundingOverride = f.RoundingFor(null),
        Line = f.Header.Number,
    };

    protected override void Write(LayerTextWriter w, GlobalAveragePoolLayer pool)
    {
        w.OutputQuant(pool.OutputQuant);
        w.LayerRounding(pool);
    }

    protected override TensorInfo Infer(GlobalAveragePoolLayer pool, TensorInfo input)
    {
        LayerChecks.RequireImage(input, pool);
        var shape = TensorShape.Vector(input.Shape.Channels);
        if (pool.OutputQuant is not { } quant)
        {
            if (pool.RoundingOverride is { } rounding)
            {
                // Only the rescaling mean multiplies; the plain int8 average and the float one have no rule to choose.
                throw new QModelFormatException(
                    QModelError.InvalidAttribute, pool.Line,
                    $"global_avgpool layer '{pool.Name}' has 'rounding {Vocabulary.WordOf(Vocabulary.Roundings, rounding)}' but no output_quant: only a mean that rescales rounds by a rule");
            }

            return input with { Shape = shape };
        }

        if (input.Kind != ElementKind.Int8 || input.Quant is not { } inputQuant)
        {
            throw new QModelFormatException(QModelError.Syntax, pool.Line, $"global_avgpool layer '{pool.Name}' averages float32 values and must not carry an output quantization");
        }

        LayerChecks.CheckQuant(quant, pool.Line, $"output quantization of layer '{pool.Name}'");
        long count = (long)input.Shape.Height * input.Shape.Width;
        if (count > MeanRescale.MaxCount)
        {
            throw new QModelFormatException(
                QModelError.AccumulatorOverflow, pool.Line,
                $"global_avgpool layer '{pool.Name}' rescales a mean of {count} cells; its int32 sum allows at most {MeanRescale.MaxCount}");
        }

        if (!(inputQuant.Scale / quant.Scale <= MeanRescale.MaxScaleRatio))
        {
            throw new QModelFormatException(
                QModelError.InvalidScale, pool.Line,
                $"global_avgpool layer '{pool.Name}': output scale {quant.Scale:R} is more than {MeanRescale.MaxScaleRatio} times smaller than the input's {inputQuant.Scale:R}");
        }

        return new TensorInfo(shape, ElementKind.Int8, quant);
    }
}

namespace ModelCompiler.Format;

/// <summary>Max or average pooling. Works on int8 or float tensors; int8 output keeps the input's quantization.</summary>
public sealed class Pool2DLayer(
    string name, bool isMax, int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding) : Layer(name)
{
    public bool IsMax { get; } = isMax;
    public int PoolHeight { get; } = poolHeight;
    public int PoolWidth { get; } = poolWidth;
    public int StrideHeight { get; } = strideHeight;
    public int StrideWidth { get; } = strideWidth;
    public Padding Padding { get; } = padding;

    /// <summary>How an int8 average rounds its ties (<c>ties away|up</c>); always <see cref="AverageTies.AwayFromZero"/> for max pools.</summary>
    public AverageTies Ties { get; init; } = AverageTies.AwayFromZero;
    public override LayerOp Op => IsMax ? LayerOp.MaxPool2D : LayerOp.AveragePool2D;
}

/// <summary><c>maxpool2d</c> and <c>avgpool2d</c>: one window rule, two ops.</summary>
internal sealed class Pool2DOperator : UnaryOperator<Pool2DLayer>
{
    public static readonly Pool2DOperator Max = new(isMax: true);

    public static readonly Pool2DOperator Average = new(isMax: false);

    private readonly bool _isMax;

    private Pool2DOperator(bool isMax)
        : base(isMax ? LayerOp.MaxPool2D : LayerOp.AveragePool2D, isMax ? "maxpool2d" : "avgpool2d", isMax ? ["pool", "stride", "padding"] : ["pool", "stride", "padding", "ties"])
    {
        _isMax = isMax;
    }

    public override Layer Read(LayerFields f)
    {
        var (ph, pw) = f.Pair("pool");
        var (sh, sw) = f.Pair("stride");
        var ties = f.Has("ties")
            ? FieldValues.Word(Vocabulary.AverageTies, f.Single("ties"), f.LineOf("ties"), "ties", QModelError.InvalidAttribute)
            : AverageTies.AwayFromZero;
        return new Pool2DLayer(f.Name, _isMax, ph, pw, sh, sw, f.Padding()) { Ties = ties, Line = f.Header.Number };
    }

    protected override void Write(LayerTextWriter w, Pool2DLayer pool)
    {
        w.Pair("pool", pool.PoolHeight, pool.PoolWidth);
        w.Pair("stride", pool.StrideHeight, pool.StrideWidth);
        w.Word("padding", Vocabulary.Paddings, pool.Padding);
        if (pool.Ties != AverageTies.AwayFromZero)
        {
            w.Word("ties", Vocabulary.AverageTies, pool.Ties);
        }
    }

    protected override TensorInfo Infer(Pool2DLayer pool, TensorInfo input)
    {
        LayerChecks.RequireImage(input, pool);
        if (pool.Ties != AverageTies.AwayFromZero && (pool.IsMax || input.Kind != ElementKind.Int8))
        {
            // Only an int8 average rounds; a float average or a max has no ties to break, so the word would promise nothing.
            throw new QModelFormatException(
                QModelError.InvalidAttribute, pool.Line, $"layer '{pool.Name}' has 'ties {Vocabulary.WordOf(Vocabulary.AverageTies, pool.Ties)}', which only an int8 avgpool2d may carry");
        }

        var (oh, ow) = LayerChecks.Window(input, pool, "pool", pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding);
        return input with { Shape = LayerChecks.Image(oh, ow, input.Shape.Channels, pool) };
    }
}

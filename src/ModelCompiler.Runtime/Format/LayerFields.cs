namespace ModelCompiler.Format;

/// <summary>
/// The attribute lines and data blocks collected for one layer, with typed accessors that report a missing
/// attribute at the layer's line and a bad value at the attribute's own line.
/// </summary>
internal sealed class LayerFields(
    SourceLine header, string name, LayerOperator op,
    Dictionary<string, (string[] Tokens, SourceLine Line)> attributes, Dictionary<BlockRole, DataBlock> blocks)
{
    public SourceLine Header { get; } = header;
    public string Name { get; } = name;
    public LayerOperator Op { get; } = op;
    public Dictionary<BlockRole, DataBlock> Blocks { get; } = blocks;

    public bool Has(string key) => attributes.ContainsKey(key);

    public int LineOf(string key) => Get(key).Line.Number;

    /// <summary>The one value of <c>key value</c>.</summary>
    public string Single(string key)
    {
        var (tokens, line) = Get(key);
        if (tokens.Length != 2)
        {
            throw line.Syntax($"expected '{key} <value>'");
        }

        return tokens[1];
    }

    public int Dimension(string key) => FieldValues.Dimension(Single(key), LineOf(key), key);

    /// <summary><c>key A B</c> for kernel, stride and pool sizes (height then width).</summary>
    public (int Height, int Width) Pair(string key)
    {
        var (tokens, line) = Get(key);
        if (tokens.Length != 3)
        {
            throw line.Syntax($"expected '{key} <height> <width>'");
        }

        return (FieldValues.Dimension(tokens[1], line.Number, key + " height"), FieldValues.Dimension(tokens[2], line.Number, key + " width"));
    }

    /// <summary>
    /// <c>key A B</c> for padding amounts, which may be zero: each in [0, <see cref="TensorChain.MaxDimension"/>];
    /// <paramref name="first"/> and <paramref name="second"/> name the sides (top, bottom, ...).
    /// </summary>
    public (int First, int Second) PaddingAmounts(string key, string first, string second)
    {
        var (tokens, line) = Get(key);
        if (tokens.Length != 3)
        {
            throw line.Syntax($"expected '{key} <{first}> <{second}>'");
        }

        return (Amount(tokens[1], line.Number, first), Amount(tokens[2], line.Number, second));

        static int Amount(string token, int number, string side) =>
            FieldValues.Integer(token, number, side + " padding", 0, TensorChain.MaxDimension, QModelError.InvalidDimension);
    }

    public Precision Precision() =>
        FieldValues.Word(Vocabulary.Precisions, Single("precision"), LineOf("precision"), "precision", QModelError.UnknownPrecision);

    public Padding Padding() =>
        FieldValues.Word(Vocabulary.Paddings, Single("padding"), LineOf("padding"), "padding", QModelError.InvalidAttribute);

    public Activation Activation() =>
        FieldValues.Word(Vocabulary.Activations, Single("activation"), LineOf("activation"), "activation", QModelError.InvalidAttribute);

    public QuantParams Quant(string key)
    {
        var (tokens, line) = Get(key);
        return FieldValues.Quant(tokens, 1, line, $"{key} of layer '{Name}'");
    }

    /// <summary>int8 layers need <c>output_quant</c>; the float-activation precisions must not have one.</summary>
    public QuantParams? OutputQuantFor(Precision precision)
    {
        if (precision == Format.Precision.Int8)
        {
            return Quant("output_quant");
        }

        if (Has("output_quant"))
        {
            throw Get("output_quant").Line.Syntax(
                $"output_quant is only for int8 layers; layer '{Name}' is {Vocabulary.WordOf(Vocabulary.Precisions, precision)} and outputs float32");
        }

        return null;
    }

    /// <summary>
    /// <c>rounding single|tflite</c>, the layer's own requantization rule (null when absent: the header's). Only on int8
    /// layers (<paramref name="precision"/> null: an <c>add</c>, whose element type is checked when the layers are chained).
    /// </summary>
    public Rounding? RoundingFor(Precision? precision)
    {
        if (!Has("rounding"))
        {
            return null;
        }

        if (precision is { } p && p != Format.Precision.Int8)
        {
            throw Get("rounding").Line.Syntax(
                $"rounding is only for int8 layers; layer '{Name}' is {Vocabulary.WordOf(Vocabulary.Precisions, p)}");
        }

        return FieldValues.Word(Vocabulary.Roundings, Single("rounding"), LineOf("rounding"), "rounding", QModelError.InvalidAttribute);
    }

    /// <summary>
    /// <c>weight_bits 7|8</c>, only on int8 layers (8 when absent). The weights are checked against it with the rest of
    /// the chain (<see cref="TensorChain"/>), so a model built in memory is held to the same rule.
    /// </summary>
    public int WeightBitsFor(Precision precision)
    {
        if (!Has("weight_bits"))
        {
            return Int8Weights.FullBits;
        }

        if (precision != Format.Precision.Int8)
        {
            throw Get("weight_bits").Line.Syntax(
                $"weight_bits is only for int8 layers; layer '{Name}' is {Vocabulary.WordOf(Vocabulary.Precisions, precision)}");
        }

        return FieldValues.Integer(
            Single("weight_bits"), LineOf("weight_bits"), "weight_bits", Int8Weights.ReducedBits, Int8Weights.FullBits, QModelError.InvalidAttribute);
    }

    /// <summary>
    /// <c>weight_zero_point Z</c>, only on int8 layers (0 when absent), Z in [-128, 127]; not with <c>weight_bits 7</c>
    /// (a zero point makes <c>w − Z</c> a 9-bit value, so the narrower range would promise nothing).
    /// </summary>
    public int WeightZeroPointFor(Precision precision, int weightBits)
    {
        const string key = "weight_zero_point";
        if (!Has(key))
        {
            return 0;
        }

        if (precision != Format.Precision.Int8)
        {
            throw Get(key).Line.Syntax(
                $"{key} is only for int8 layers; layer '{Name}' is {Vocabulary.WordOf(Vocabulary.Precisions, precision)}");
        }

        int zeroPoint = FieldValues.Integer(Single(key), LineOf(key), key, -128, 127, QModelError.InvalidZeroPoint);
        if (weightBits != Int8Weights.FullBits)
        {
            throw new QModelFormatException(
                QModelError.InvalidAttribute, LineOf(key), $"layer '{Name}' has both weight_bits {weightBits} and a weight_zero_point; a zero point needs 8-bit weights");
        }

        return zeroPoint;
    }

    private (string[] Tokens, SourceLine Line) Get(string key)
    {
        if (!attributes.TryGetValue(key, out var entry))
        {
            throw new QModelFormatException(
                QModelError.MissingField, Header.Number, $"layer '{Name}' ({Op.Word}) has no '{key}' attribute");
        }

        return entry;
    }
}

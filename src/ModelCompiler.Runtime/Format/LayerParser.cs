namespace ModelCompiler.Format;

/// <summary>
/// Reads one <c>layer &lt;name&gt; &lt;op&gt;</c> … <c>end</c> section: attribute lines indented two spaces (any
/// order, each once) and, for conv2d and dense, the data blocks their precision requires.
/// </summary>
internal static class LayerParser
{
    private static readonly string[] ConvAttributes = ["precision", "filters", "kernel", "stride", "padding", "activation", "output_quant", "weight_bits"];
    private static readonly string[] DenseAttributes = ["precision", "units", "activation", "output_quant", "weight_bits"];
    private static readonly string[] PoolAttributes = ["pool", "stride", "padding"];
    private static readonly string[] FlattenAttributes = ["order"];
    private static readonly string[] QuantizeAttributes = ["output_quant"];
    private static readonly string[] NoAttributes = [];

    /// <summary>Parses the layer whose header line the cursor is on.</summary>
    public static Layer Parse(LineCursor cursor)
    {
        cursor.TryPeek(out var header);
        cursor.Advance();
        string[] tokens = header.NameTokens();
        if (tokens.Length != 3)
        {
            throw header.Syntax("expected 'layer <name> <op>'");
        }

        string name = tokens[1];
        if (!Identifiers.IsIdentifier(name))
        {
            throw new QModelFormatException(
                QModelError.InvalidLayerName, header.Number,
                $"layer name '{FieldValues.Shorten(name)}' is not an identifier (ASCII letters, digits and '_', not starting with a digit)");
        }

        var op = FieldValues.Word(Vocabulary.Ops, tokens[2], header.Number, "op", QModelError.UnknownOp);
        var body = ReadBody(cursor, header, name, op);
        var fields = new LayerFields(header, name, op, body.Attributes, body.Blocks);
        return op switch
        {
            LayerOp.Conv2D => ParseConv(fields),
            LayerOp.Dense => ParseDense(fields),
            LayerOp.MaxPool2D or LayerOp.AveragePool2D => ParsePool(fields, op == LayerOp.MaxPool2D),
            LayerOp.GlobalAveragePool => new GlobalAveragePoolLayer(name) { Line = header.Number },
            LayerOp.Flatten => new FlattenLayer(
                name,
                FieldValues.Word(Vocabulary.FlattenOrders, fields.Single("order"), fields.LineOf("order"), "flatten order", QModelError.InvalidAttribute))
            {
                Line = header.Number,
            },
            LayerOp.Softmax => new SoftmaxLayer(name) { Line = header.Number },
            LayerOp.Quantize => new QuantizeLayer(name, fields.Quant("output_quant")) { Line = header.Number },
            _ => new DequantizeLayer(name) { Line = header.Number },
        };
    }

    private static (Dictionary<string, (string[] Tokens, SourceLine Line)> Attributes, Dictionary<BlockRole, DataBlock> Blocks) ReadBody(
        LineCursor cursor, SourceLine header, string name, LayerOp op)
    {
        string[] allowed = op switch
        {
            LayerOp.Conv2D => ConvAttributes,
            LayerOp.Dense => DenseAttributes,
            LayerOp.MaxPool2D or LayerOp.AveragePool2D => PoolAttributes,
            LayerOp.Flatten => FlattenAttributes,
            LayerOp.Quantize => QuantizeAttributes,
            _ => NoAttributes,
        };
        bool hasBlocks = op is LayerOp.Conv2D or LayerOp.Dense;
        var attributes = new Dictionary<string, (string[], SourceLine)>(StringComparer.Ordinal);
        var blocks = new Dictionary<BlockRole, DataBlock>();
        while (true)
        {
            if (!cursor.TryPeekSignificant(out var line))
            {
                throw new QModelFormatException(QModelError.UnexpectedEnd, header.Number, $"the file ends before the 'end' of layer '{name}'");
            }

            cursor.Advance();
            if (line.Indent == 0)
            {
                if (line.Content == "end")
                {
                    return (attributes, blocks);
                }

                throw new QModelFormatException(
                    QModelError.UnexpectedEnd, line.Number, $"layer '{name}' (line {header.Number}) has no 'end' before this line");
            }

            if (line.Indent != 2)
            {
                throw line.Syntax($"attribute and block lines are indented by exactly 2 spaces (found {line.Indent})");
            }

            string[] tokens = line.Tokens();
            string key = tokens[0];
            if (Vocabulary.TryParse(Vocabulary.BlockRoles, key, out BlockRole role))
            {
                if (!hasBlocks)
                {
                    throw line.Syntax($"a {Vocabulary.WordOf(Vocabulary.Ops, op)} layer has no data blocks");
                }

                if (blocks.TryGetValue(role, out var earlier))
                {
                    throw new QModelFormatException(QModelError.DuplicateField, line.Number, $"block '{key}' already given on line {earlier.Line}");
                }

                blocks[role] = DataBlock.Read(cursor, line, tokens, role);
                continue;
            }

            if (Array.IndexOf(allowed, key) < 0)
            {
                string expected = allowed.Length == 0 ? "it has none" : "expected " + string.Join(", ", allowed) + (hasBlocks ? ", weights, weight_scales or bias" : "");
                throw line.Syntax($"unknown attribute '{FieldValues.Shorten(key)}' for a {Vocabulary.WordOf(Vocabulary.Ops, op)} layer ({expected})");
            }

            if (attributes.TryGetValue(key, out var first))
            {
                throw new QModelFormatException(QModelError.DuplicateField, line.Number, $"attribute '{key}' already given on line {first.Item2.Number}");
            }

            attributes[key] = (tokens, line);
        }
    }

    private static Conv2DLayer ParseConv(LayerFields f)
    {
        var precision = f.Precision();
        int filters = f.Dimension("filters");
        var (kh, kw) = f.Pair("kernel");
        var (sh, sw) = f.Pair("stride");
        var padding = f.Padding();
        var activation = f.Activation();
        var outputQuant = f.OutputQuantFor(precision);
        int weightBits = f.WeightBitsFor(precision);
        var weights = WeightBlocks.Assemble(f, precision, filters, weightBits);
        return new Conv2DLayer(f.Name, filters, kh, kw, sh, sw, padding, activation, weights, outputQuant) { Line = f.Header.Number };
    }

    private static DenseLayer ParseDense(LayerFields f)
    {
        var precision = f.Precision();
        int units = f.Dimension("units");
        var activation = f.Activation();
        var outputQuant = f.OutputQuantFor(precision);
        int weightBits = f.WeightBitsFor(precision);
        var weights = WeightBlocks.Assemble(f, precision, units, weightBits);
        return new DenseLayer(f.Name, units, activation, weights, outputQuant) { Line = f.Header.Number };
    }

    private static Pool2DLayer ParsePool(LayerFields f, bool isMax)
    {
        var (ph, pw) = f.Pair("pool");
        var (sh, sw) = f.Pair("stride");
        return new Pool2DLayer(f.Name, isMax, ph, pw, sh, sw, f.Padding()) { Line = f.Header.Number };
    }
}

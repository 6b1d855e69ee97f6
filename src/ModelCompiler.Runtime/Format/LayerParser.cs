namespace ModelCompiler.Format;

/// <summary>
/// Reads one <c>layer &lt;name&gt; &lt;op&gt;</c> … <c>end</c> section: attribute lines indented two spaces (any
/// order, each once) and, for operators with weights, the data blocks their precision requires. Which keys are
/// allowed and what they mean is the operator's business (<see cref="OperatorCatalog"/>).
/// </summary>
internal static class LayerParser
{
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

        var op = FieldValues.Word(OperatorCatalog.Words, tokens[2], header.Number, "op", QModelError.UnknownOp);
        var (attributes, blocks) = ReadBody(cursor, header, name, op);
        return op.Read(new LayerFields(header, name, op, attributes, blocks));
    }

    private static (Dictionary<string, (string[] Tokens, SourceLine Line)> Attributes, Dictionary<BlockRole, DataBlock> Blocks) ReadBody(
        LineCursor cursor, SourceLine header, string name, LayerOperator op)
    {
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
                ReadBlock(cursor, line, tokens, role, op, blocks);
                continue;
            }

            if (!op.Accepts(key))
            {
                string expected = op.Attributes.Count == 0
                    ? "it has none"
                    : "expected " + string.Join(", ", op.Attributes) + (op.HasBlocks ? ", weights, weight_scales or bias" : "");
                throw line.Syntax($"unknown attribute '{FieldValues.Shorten(key)}' for a {op.Word} layer ({expected})");
            }

            if (attributes.TryGetValue(key, out var first))
            {
                throw new QModelFormatException(QModelError.DuplicateField, line.Number, $"attribute '{key}' already given on line {first.Item2.Number}");
            }

            attributes[key] = (tokens, line);
        }
    }

    private static void ReadBlock(
        LineCursor cursor, SourceLine line, string[] tokens, BlockRole role, LayerOperator op, Dictionary<BlockRole, DataBlock> blocks)
    {
        if (!op.HasBlocks)
        {
            throw line.Syntax($"a {op.Word} layer has no data blocks");
        }

        if (blocks.TryGetValue(role, out var earlier))
        {
            throw new QModelFormatException(QModelError.DuplicateField, line.Number, $"block '{tokens[0]}' already given on line {earlier.Line}");
        }

        blocks[role] = DataBlock.Read(cursor, line, tokens, role);
    }
}

namespace ModelCompiler.Format;

/// <summary>
/// Reads one <c>layer &lt;name&gt; &lt;op&gt;</c> … <c>end</c> section: attribute lines indented two spaces (any
/// order, each once) and, for operators with weights, the data blocks their precision requires. Which keys are
/// allowed and what they mean is the operator's business (<see cref="OperatorCatalog"/>), except <c>inputs</c>, the
/// tensors the layer reads, which every layer of a version 2 file has and no layer of a version 1 file may have.
/// </summary>
internal static class LayerParser
{
    /// <summary>The attribute naming the tensors a layer reads (format version 2).</summary>
    public const string InputsKey = "inputs";

    /// <summary>Parses the layer whose header line the cursor is on, in a file of format <paramref name="version"/>.</summary>
    public static Layer Parse(LineCursor cursor, int version)
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
        if (op.SinceVersion > version)
        {
            throw new QModelFormatException(
                QModelError.UnknownOp, header.Number, $"op '{op.Word}' needs format version {op.SinceVersion} ('qmodel {op.SinceVersion}'); this file is version {version}");
        }

        var (attributes, blocks, inputs) = ReadBody(cursor, header, name, op, version);
        var layer = op.Read(new LayerFields(header, name, op, attributes, blocks));
        if (inputs is { } named)
        {
            layer.SetInputs(named.Names, named.Line);
        }

        return layer;
    }

    private static (Dictionary<string, (string[] Tokens, SourceLine Line)> Attributes, Dictionary<BlockRole, DataBlock> Blocks, (string[] Names, int Line)? Inputs) ReadBody(
        LineCursor cursor, SourceLine header, string name, LayerOperator op, int version)
    {
        var attributes = new Dictionary<string, (string[], SourceLine)>(StringComparer.Ordinal);
        var blocks = new Dictionary<BlockRole, DataBlock>();
        (string[] Names, int Line)? inputs = null;
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
                    if (version >= 2 && inputs is null)
                    {
                        throw new QModelFormatException(
                            QModelError.MissingField, header.Number, $"layer '{name}' ({op.Word}) has no '{InputsKey}' attribute (every layer of a version 2 file names the tensors it reads)");
                    }

                    return (attributes, blocks, inputs);
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

            if (key == InputsKey && version >= 2)
            {
                if (inputs is { } earlier)
                {
                    throw new QModelFormatException(QModelError.DuplicateField, line.Number, $"attribute '{InputsKey}' already given on line {earlier.Line}");
                }

                if (tokens.Length < 2)
                {
                    throw line.Syntax($"expected '{InputsKey} <tensor> ...': '{ModelGraph.InputName}' or the names of earlier layers");
                }

                inputs = (tokens.Skip(1).ToArray(), line.Number);
                continue;
            }

            if (!op.Accepts(key))
            {
                string expected = op.Attributes.Count == 0
                    ? "it has none"
                    : "expected " + string.Join(", ", op.Attributes) + (op.HasBlocks ? ", weights, weight_scales or bias" : "");
                string needsVersion2 = key == InputsKey ? $"; '{InputsKey}' needs format version 2 ('qmodel 2')" : "";
                throw line.Syntax($"unknown attribute '{FieldValues.Shorten(key)}' for a {op.Word} layer ({expected}){needsVersion2}");
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

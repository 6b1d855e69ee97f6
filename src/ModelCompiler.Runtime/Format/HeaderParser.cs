namespace ModelCompiler.Format;

/// <summary>The model-wide fields of a <c>.qmodel</c> file, as the header declares them.</summary>
internal sealed class ModelHeader(
    int version, string name, int nameLine, TensorShape inputShape, InputLayout layout, Preprocessing preprocessing, QuantParams? inputQuant,
    IReadOnlyList<string> labels, IReadOnlyList<ProvenanceEntry> provenance, Rounding rounding)
{
    /// <summary>The format version the file declares, 1 or 2.</summary>
    public int Version { get; } = version;
    public string Name { get; } = name;
    public int NameLine { get; } = nameLine;
    public TensorShape InputShape { get; } = inputShape;
    public InputLayout Layout { get; } = layout;
    public Preprocessing Preprocessing { get; } = preprocessing;
    public QuantParams? InputQuant { get; } = inputQuant;
    public IReadOnlyList<string> Labels { get; } = labels;
    public IReadOnlyList<ProvenanceEntry> Provenance { get; } = provenance;

    /// <summary>The <c>rounding</c> field, <see cref="Rounding.Single"/> when the header has none.</summary>
    public Rounding Rounding { get; } = rounding;
}

/// <summary>
/// Reads the version line and the header fields (in any order, each once; <c>provenance</c> once per key) up to
/// the first <c>layer</c> line or the end of the file.
/// </summary>
internal static class HeaderParser
{
    public const int MaxLabels = 65536;

    public static ModelHeader Parse(LineCursor cursor)
    {
        int version = ReadVersion(cursor);

        string? name = null;
        (TensorShape Shape, InputLayout Layout)? input = null;
        Preprocessing? preprocessing = null;
        QuantParams? inputQuant = null;
        var rounding = Rounding.Single;
        List<string>? labels = null;
        var provenance = new List<ProvenanceEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var provenanceKeys = new Dictionary<string, int>(StringComparer.Ordinal);

        while (cursor.TryPeekSignificant(out var line))
        {
            if (line.Indent != 0)
            {
                throw line.Syntax("header fields start at the beginning of the line");
            }

            string[] tokens = line.Content.StartsWith("provenance ", StringComparison.Ordinal)
                ? line.TokensThenRest(2, "provenance <key> \"<value>\"", out _)
                : line.Content.StartsWith("name ", StringComparison.Ordinal) ? line.NameTokens() : line.Tokens();
            string key = tokens[0];
            if (key == "layer")
            {
                break;
            }

            cursor.Advance();
            if (key != "provenance")
            {
                if (seen.TryGetValue(key, out int first))
                {
                    throw new QModelFormatException(QModelError.DuplicateField, line.Number, $"'{FieldValues.Shorten(key)}' already given on line {first}");
                }

                seen[key] = line.Number;
            }

            switch (key)
            {
                case "name":
                    name = ParseName(tokens, line);
                    break;
                case "input":
                    input = ParseInput(tokens, line);
                    break;
                case "preprocess":
                    preprocessing = ParsePreprocess(tokens, line);
                    break;
                case "input_quant":
                    inputQuant = FieldValues.Quant(tokens, 1, line, "input quantization");
                    break;
                case "rounding":
                    rounding = ParseRounding(tokens, line);
                    break;
                case "labels":
                    labels = ParseLabels(cursor, tokens, line);
                    break;
                case "provenance":
                    provenance.Add(ParseProvenance(line, provenanceKeys));
                    break;
                case "qmodel":
                    throw line.Syntax("the version line may appear only once, first");
                default:
                    throw line.Syntax($"unknown header field '{FieldValues.Shorten(key)}' (expected name, input, preprocess, input_quant, rounding, labels, provenance or layer)");
            }
        }

        int endLine = cursor.TryPeek(out var end) ? end.Number : cursor.LastLineNumber;
        return new ModelHeader(
            version,
            name ?? throw Missing("name", endLine),
            seen["name"],
            input?.Shape ?? throw Missing("input", endLine),
            input.Value.Layout,
            preprocessing ?? throw Missing("preprocess", endLine),
            inputQuant,
            labels ?? throw Missing("labels", endLine),
            provenance,
            rounding);
    }

    private static int ReadVersion(LineCursor cursor)
    {
        if (!cursor.TryPeekSignificant(out var line))
        {
            throw new QModelFormatException(QModelError.UnsupportedVersion, cursor.LastLineNumber, "no 'qmodel 1' or 'qmodel 2' line: the file is empty or holds only comments");
        }

        cursor.Advance();
        if (line.Indent == 0)
        {
            for (int version = 1; version <= QModel.CurrentFormatVersion; version++)
            {
                if (line.Content == "qmodel " + version.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return version;
                }
            }
        }

        string detail = line.Indent == 0 && line.Content.StartsWith("qmodel ", StringComparison.Ordinal)
            ? $"format version '{FieldValues.Shorten(line.Content.Substring(7).Trim())}' is not supported (this reader reads versions 1 to {QModel.CurrentFormatVersion})"
            : "not a .qmodel file: the first line must be 'qmodel 1' or 'qmodel 2'";
        throw new QModelFormatException(QModelError.UnsupportedVersion, line.Number, detail);
    }

    private static string ParseName(string[] tokens, SourceLine line)
    {
        if (tokens.Length != 2)
        {
            throw line.Syntax("expected 'name <CSharpIdentifier>'");
        }

        string name = tokens[1];
        if (Identifiers.ModelNameProblem(name) is { } problem)
        {
            string reason = Identifiers.IsIdentifier(name) ? $"{problem}, so it cannot name the generated class" : problem;
            throw new QModelFormatException(QModelError.InvalidName, line.Number, $"model name '{FieldValues.Shorten(name)}' {reason}");
        }

        return name;
    }

    private static (TensorShape, InputLayout) ParseInput(string[] tokens, SourceLine line)
    {
        if (tokens.Length != 5)
        {
            throw line.Syntax($"expected 'input <height> <width> <channels> <{Vocabulary.Choices(Vocabulary.Layouts)}>'");
        }

        int h = FieldValues.Dimension(tokens[1], line.Number, "input height");
        int w = FieldValues.Dimension(tokens[2], line.Number, "input width");
        int c = FieldValues.Dimension(tokens[3], line.Number, "input channels");
        var layout = FieldValues.Word(Vocabulary.Layouts, tokens[4], line.Number, "input layout", QModelError.InvalidAttribute);
        if ((long)h * w * c > TensorChain.MaxElements)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, line.Number, $"input {h}x{w}x{c} has more than {TensorChain.MaxElements} elements");
        }

        return (TensorShape.Image(h, w, c), layout);
    }

    private static Rounding ParseRounding(string[] tokens, SourceLine line)
    {
        if (tokens.Length != 2)
        {
            throw line.Syntax($"expected 'rounding <{Vocabulary.Choices(Vocabulary.Roundings)}>'");
        }

        return FieldValues.Word(Vocabulary.Roundings, tokens[1], line.Number, "rounding", QModelError.InvalidAttribute);
    }

    private static Preprocessing ParsePreprocess(string[] tokens, SourceLine line)
    {
        if (tokens.Length != 3)
        {
            throw line.Syntax("expected 'preprocess scale=<float> offset=<float>'");
        }

        float scale = FieldValues.Float(FieldValues.KeyValue(tokens[1], "scale", line), line.Number, "preprocess scale");
        if (scale == 0 || float.IsNaN(scale) || float.IsInfinity(scale))
        {
            throw new QModelFormatException(QModelError.InvalidScale, line.Number, $"preprocess scale {scale} must be finite and non-zero");
        }

        float offset = FieldValues.FiniteFloat(FieldValues.KeyValue(tokens[2], "offset", line), line.Number, "preprocess offset");
        return new Preprocessing(scale, offset);
    }

    /// <summary><c>labels N</c> then exactly N lines indented two spaces, each one quoted string (no comments between).</summary>
    private static List<string> ParseLabels(LineCursor cursor, string[] tokens, SourceLine line)
    {
        if (tokens.Length != 2)
        {
            throw line.Syntax("expected 'labels <count>' followed by one quoted label per line");
        }

        int count = FieldValues.Integer(tokens[1], line.Number, "label count", 1, MaxLabels, QModelError.InvalidLabel);
        var labels = new List<string>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        while (cursor.TryPeek(out var labelLine) && labelLine.Indent == 2 && !labelLine.IsBlank)
        {
            if (labels.Count == count)
            {
                throw new QModelFormatException(QModelError.InvalidLabel, labelLine.Number, $"more label lines than the {count} that line {line.Number} declares");
            }

            cursor.Advance();
            string label = QuotedString.Parse(labelLine.Content, labelLine.Number);
            if (label.Trim().Length == 0)
            {
                throw new QModelFormatException(QModelError.InvalidLabel, labelLine.Number, "a label must not be empty or only whitespace");
            }

            if (firstLine.TryGetValue(label, out int earlier))
            {
                throw new QModelFormatException(QModelError.InvalidLabel, labelLine.Number, $"label {QuotedString.Quote(label)} repeats line {earlier}");
            }

            firstLine[label] = labelLine.Number;
            labels.Add(label);
        }

        if (labels.Count != count)
        {
            throw new QModelFormatException(
                QModelError.InvalidLabel, line.Number, $"declares {count} labels but {labels.Count} label lines (indented two spaces) follow");
        }

        return labels;
    }

    private static ProvenanceEntry ParseProvenance(SourceLine line, Dictionary<string, int> keys)
    {
        string[] tokens = line.TokensThenRest(2, "provenance <key> \"<value>\"", out string rest);
        string key = tokens[1];
        if (!Identifiers.IsProvenanceKey(key))
        {
            throw line.Syntax($"provenance key '{FieldValues.Shorten(key)}' must be letters, digits, '_', '.' or '-', starting with a letter or '_'");
        }

        if (keys.TryGetValue(key, out int first))
        {
            throw new QModelFormatException(QModelError.DuplicateField, line.Number, $"provenance key '{key}' already given on line {first}");
        }

        keys[key] = line.Number;
        return new ProvenanceEntry(key, QuotedString.Parse(rest, line.Number));
    }

    private static QModelFormatException Missing(string field, int line) =>
        new(QModelError.MissingField, line, $"the header has no '{field}' line (header fields come before the first layer)");
}

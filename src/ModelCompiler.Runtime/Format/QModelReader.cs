namespace ModelCompiler.Format;

/// <summary>
/// Parses and fully validates <c>.qmodel</c> text (format versions 1 and 2, see docs/qmodel-format.md). Syntax and
/// values are checked line by line, then <see cref="TensorChain.InferGraph"/> checks the references between layers and
/// that each layer accepts the tensors it reads. Every problem is a
/// <see cref="QModelFormatException"/> naming a line; nothing else escapes, and the work and memory are bounded by
/// the length of the text.
/// </summary>
public static class QModelReader
{
    public static QModel Read(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var cursor = new LineCursor(text);
        var header = HeaderParser.Parse(cursor);
        var layers = new List<Layer>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        while (cursor.TryPeekSignificant(out var line))
        {
            if (line.Indent != 0 || !line.Content.StartsWith("layer ", StringComparison.Ordinal))
            {
                throw line.Syntax(line.Indent == 0 && IsHeaderField(line.Content)
                    ? "header fields must come before the first layer"
                    : "expected 'layer <name> <op>'");
            }

            var layer = LayerParser.Parse(cursor, header.Version);
            if (names.TryGetValue(layer.Name, out int first))
            {
                throw new QModelFormatException(QModelError.InvalidLayerName, layer.Line, $"layer name '{layer.Name}' is already used on line {first}");
            }

            names[layer.Name] = layer.Line;
            layers.Add(layer);
        }

        if (layers.Count == 0)
        {
            throw new QModelFormatException(QModelError.EmptyModel, cursor.LastLineNumber, "the model has no layers");
        }

        var model = new QModel(
            header.Name, header.InputShape, header.Layout, header.Preprocessing, header.InputQuant, header.Labels, header.Provenance, layers)
        {
            NameLine = header.NameLine,
            Rounding = header.Rounding,
        };
        TensorChain.InferGraph(model);
        return model;
    }

    private static bool IsHeaderField(string content)
    {
        int space = content.IndexOf(' ');
        string key = space < 0 ? content : content.Substring(0, space);
        return key is "name" or "input" or "preprocess" or "input_quant" or "rounding" or "labels" or "provenance";
    }
}

using System.Globalization;
using System.Text;

namespace ModelCompiler.Format;

/// <summary>
/// Writes a model as canonical <c>.qmodel</c> text: LF line ends, fields in a fixed order, floats in round-trip
/// ("R") invariant formatting, data blocks as base64 wrapped at 76 characters. Reading the text back gives a model
/// equal to this one (floats bit for bit), and writing that gives the same text.
/// </summary>
public static class QModelWriter
{
    /// <summary>Base64 characters per data line (as MIME wraps it).</summary>
    public const int Base64LineLength = 76;

    /// <summary>
    /// Throws <see cref="QModelFormatException"/> (line 0) for names and strings the format cannot carry; it does
    /// not validate the numbers or the chain (use <see cref="TensorChain.Infer"/>, or <see cref="QModelReader"/> on the text).
    /// </summary>
    public static string Write(QModel model)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }

        int version = FormatVersionOf(model);
        var w = new StringBuilder();
        w.Append("qmodel ").Append(Int(version)).Append('\n');
        if (!Identifiers.IsModelName(model.Name))
        {
            throw new QModelFormatException(QModelError.InvalidName, 0, $"model name '{model.Name}' is not an identifier or is a C# keyword");
        }

        w.Append("name ").Append(model.Name).Append('\n');
        var input = model.InputShape;
        w.Append("input ").Append(Int(input.Height)).Append(' ').Append(Int(input.Width)).Append(' ').Append(Int(input.Channels))
            .Append(' ').Append(Vocabulary.WordOf(Vocabulary.Layouts, model.InputLayout)).Append('\n');
        w.Append("preprocess scale=").Append(Float(model.Preprocessing.Scale)).Append(" offset=").Append(Float(model.Preprocessing.Offset)).Append('\n');
        if (model.InputQuant is { } iq)
        {
            w.Append("input_quant ").Append(Quant(iq)).Append('\n');
        }

        if (model.Rounding != Rounding.Single)
        {
            // Written only when not the default, so every file without the line re-writes byte for byte.
            w.Append("rounding ").Append(Vocabulary.WordOf(Vocabulary.Roundings, model.Rounding)).Append('\n');
        }

        WriteLabels(w, model.Labels);
        foreach (var entry in model.Provenance)
        {
            if (!Identifiers.IsProvenanceKey(entry.Key))
            {
                throw new QModelFormatException(QModelError.Syntax, 0, $"provenance key '{entry.Key}' must be letters, digits, '_', '.' or '-'");
            }

            w.Append("provenance ").Append(entry.Key).Append(' ').Append(QuotedString.Quote(entry.Value)).Append('\n');
        }

        for (int i = 0; i < model.Layers.Count; i++)
        {
            WriteLayer(w, model.Layers[i], version >= 2 ? ModelGraph.InputNames(model.Layers, i) : null);
        }

        return w.ToString();
    }

    /// <summary>
    /// The version <see cref="Write"/> writes: 1 for a chain of version 1 ops (so every version 1 file re-writes as it
    /// was), 2 when a layer reads something other than the previous layer's output or an op is newer.
    /// </summary>
    public static int FormatVersionOf(QModel model)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }

        if (!ModelGraph.IsChain(model.Layers))
        {
            return 2;
        }

        int version = 1;
        foreach (var layer in model.Layers)
        {
            if (OperatorCatalog.TryGet(layer.Op, out var op))
            {
                version = Math.Max(version, op.SinceVersion);
            }
        }

        return version;
    }

    private static void WriteLabels(StringBuilder w, IReadOnlyList<string> labels)
    {
        w.Append("labels ").Append(Int(labels.Count)).Append('\n');
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string label in labels)
        {
            if (label.Trim().Length == 0 || !seen.Add(label))
            {
                throw new QModelFormatException(QModelError.InvalidLabel, 0, $"label {QuotedString.Quote(label)} is empty or repeated");
            }

            w.Append("  ").Append(QuotedString.Quote(label)).Append('\n');
        }
    }

    /// <summary>A layer section; version 2 sections start with the names of the tensors the layer reads.</summary>
    private static void WriteLayer(StringBuilder w, Layer layer, IReadOnlyList<string>? inputs)
    {
        if (!Identifiers.IsIdentifier(layer.Name))
        {
            throw new QModelFormatException(QModelError.InvalidLayerName, 0, $"layer name '{layer.Name}' is not an identifier");
        }

        if (!OperatorCatalog.TryGet(layer.Op, out var op))
        {
            throw new QModelFormatException(QModelError.InvalidAttribute, 0, $"{nameof(LayerOp)} value {layer.Op} has no spelling in the format");
        }

        w.Append('\n').Append("layer ").Append(layer.Name).Append(' ').Append(op.Word).Append('\n');
        if (inputs is not null)
        {
            w.Append("  ").Append(LayerParser.InputsKey);
            foreach (string name in inputs)
            {
                if (name != ModelGraph.InputName && !Identifiers.IsIdentifier(name))
                {
                    throw new QModelFormatException(QModelError.DanglingReference, 0, $"layer '{layer.Name}' reads '{FieldValues.Shorten(name)}', which cannot name a tensor");
                }

                w.Append(' ').Append(name);
            }

            w.Append('\n');
        }

        op.Write(new LayerTextWriter(w), layer);
        w.Append("end\n");
    }

    /// <summary><c>scale=S zero_point=Z</c>, as input_quant and output_quant are written.</summary>
    internal static string Quant(QuantParams q) => "scale=" + Float(q.Scale) + " zero_point=" + Int(q.ZeroPoint);

    internal static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Shortest text that parses back to the same float32 bits (for finite values).</summary>
    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}

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

        var w = new StringBuilder();
        w.Append("qmodel ").Append(QModel.CurrentFormatVersion).Append('\n');
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

        WriteLabels(w, model.Labels);
        foreach (var entry in model.Provenance)
        {
            if (!Identifiers.IsProvenanceKey(entry.Key))
            {
                throw new QModelFormatException(QModelError.Syntax, 0, $"provenance key '{entry.Key}' must be letters, digits, '_', '.' or '-'");
            }

            w.Append("provenance ").Append(entry.Key).Append(' ').Append(QuotedString.Quote(entry.Value)).Append('\n');
        }

        foreach (var layer in model.Layers)
        {
            WriteLayer(w, layer);
        }

        return w.ToString();
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

    private static void WriteLayer(StringBuilder w, Layer layer)
    {
        if (!Identifiers.IsIdentifier(layer.Name))
        {
            throw new QModelFormatException(QModelError.InvalidLayerName, 0, $"layer name '{layer.Name}' is not an identifier");
        }

        w.Append('\n').Append("layer ").Append(layer.Name).Append(' ').Append(Vocabulary.WordOf(Vocabulary.Ops, layer.Op)).Append('\n');
        switch (layer)
        {
            case Conv2DLayer conv:
                Attribute(w, "precision", Vocabulary.WordOf(Vocabulary.Precisions, conv.Precision));
                Attribute(w, "filters", Int(conv.Filters));
                Attribute(w, "kernel", Int(conv.KernelHeight) + " " + Int(conv.KernelWidth));
                Attribute(w, "stride", Int(conv.StrideHeight) + " " + Int(conv.StrideWidth));
                Attribute(w, "padding", Vocabulary.WordOf(Vocabulary.Paddings, conv.Padding));
                Attribute(w, "activation", Vocabulary.WordOf(Vocabulary.Activations, conv.Activation));
                WriteOutputQuant(w, conv.OutputQuant);
                WriteWeightBits(w, conv.Weights);
                WriteBlocks(w, conv.Weights);
                break;
            case DenseLayer dense:
                Attribute(w, "precision", Vocabulary.WordOf(Vocabulary.Precisions, dense.Precision));
                Attribute(w, "units", Int(dense.Units));
                Attribute(w, "activation", Vocabulary.WordOf(Vocabulary.Activations, dense.Activation));
                WriteOutputQuant(w, dense.OutputQuant);
                WriteWeightBits(w, dense.Weights);
                WriteBlocks(w, dense.Weights);
                break;
            case Pool2DLayer pool:
                Attribute(w, "pool", Int(pool.PoolHeight) + " " + Int(pool.PoolWidth));
                Attribute(w, "stride", Int(pool.StrideHeight) + " " + Int(pool.StrideWidth));
                Attribute(w, "padding", Vocabulary.WordOf(Vocabulary.Paddings, pool.Padding));
                break;
            case FlattenLayer flatten:
                Attribute(w, "order", Vocabulary.WordOf(Vocabulary.FlattenOrders, flatten.Order));
                break;
            case QuantizeLayer quantize:
                WriteOutputQuant(w, quantize.Output);
                break;
        }

        w.Append("end\n");
    }

    private static void WriteOutputQuant(StringBuilder w, QuantParams? quant)
    {
        if (quant is { } q)
        {
            Attribute(w, "output_quant", Quant(q));
        }
    }

    /// <summary>Only a narrower range is written, so files of 8-bit models are what they were before the field existed.</summary>
    private static void WriteWeightBits(StringBuilder w, WeightData weights)
    {
        if (weights is Int8Weights { WeightBits: not Int8Weights.FullBits } d)
        {
            Attribute(w, "weight_bits", Int(d.WeightBits));
        }
    }

    private static void WriteBlocks(StringBuilder w, WeightData weights)
    {
        switch (weights)
        {
            case Int8Weights d:
                Block(w, BlockRole.Weights, ElementType.Int8, Bytes(d.Values));
                Block(w, BlockRole.WeightScales, ElementType.Float32, Bytes(d.Scales));
                Block(w, BlockRole.Bias, ElementType.Int32, Bytes(d.Bias));
                break;
            case DynamicInt8Weights d:
                Block(w, BlockRole.Weights, ElementType.Int8, Bytes(d.Values));
                Block(w, BlockRole.WeightScales, ElementType.Float32, Bytes(d.Scales));
                Block(w, BlockRole.Bias, ElementType.Float32, Bytes(d.Bias));
                break;
            case Float32Weights d:
                Block(w, BlockRole.Weights, ElementType.Float32, Bytes(d.Values));
                Block(w, BlockRole.Bias, ElementType.Float32, Bytes(d.Bias));
                break;
            case Float16Weights d:
                Block(w, BlockRole.Weights, ElementType.Float16, Bytes(d.Values));
                Block(w, BlockRole.Bias, ElementType.Float32, Bytes(d.Bias));
                break;
            default:
                throw new QModelFormatException(QModelError.UnknownPrecision, 0, $"weights of type {weights.GetType().Name} have no spelling in format version 1");
        }
    }

    private static void Block(StringBuilder w, BlockRole role, ElementType type, byte[] bytes)
    {
        int count = bytes.Length / DataBlock.SizeOf(type);
        w.Append("  ").Append(Vocabulary.WordOf(Vocabulary.BlockRoles, role)).Append(' ')
            .Append(Vocabulary.WordOf(Vocabulary.ElementTypes, type)).Append(' ').Append(Int(count)).Append('\n');
        string base64 = Base64Codec.Encode(bytes);
        for (int i = 0; i < base64.Length; i += Base64LineLength)
        {
            w.Append("    ").Append(base64, i, Math.Min(Base64LineLength, base64.Length - i)).Append('\n');
        }
    }

    private static void Attribute(StringBuilder w, string key, string value) => w.Append("  ").Append(key).Append(' ').Append(value).Append('\n');

    private static string Quant(QuantParams q) => "scale=" + Float(q.Scale) + " zero_point=" + Int(q.ZeroPoint);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Shortest text that parses back to the same float32 bits (for finite values).</summary>
    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static byte[] Bytes(sbyte[] values)
    {
        var bytes = new byte[values.Length];
        Buffer.BlockCopy(values, 0, bytes, 0, values.Length);
        return bytes;
    }

    private static byte[] Bytes(int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            LittleEndian.WriteInt32(bytes, 4 * i, values[i]);
        }

        return bytes;
    }

    private static byte[] Bytes(float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            LittleEndian.WriteInt32(bytes, 4 * i, LittleEndian.SingleToInt32Bits(values[i]));
        }

        return bytes;
    }

    private static byte[] Bytes(ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[2 * i] = (byte)values[i];
            bytes[(2 * i) + 1] = (byte)(values[i] >> 8);
        }

        return bytes;
    }
}

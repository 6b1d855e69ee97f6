using System.Text;

namespace ModelCompiler.Format;

/// <summary>
/// Writes the lines of one layer section in the canonical form (<see cref="QModelWriter"/>): attributes indented two
/// spaces, data blocks as base64 lines indented four and wrapped at <see cref="QModelWriter.Base64LineLength"/>.
/// </summary>
internal sealed class LayerTextWriter(StringBuilder text)
{
    public void Attribute(string key, string value) => text.Append("  ").Append(key).Append(' ').Append(value).Append('\n');

    public void Attribute(string key, int value) => Attribute(key, QModelWriter.Int(value));

    /// <summary><c>key height width</c>, as kernel, stride and pool sizes are written.</summary>
    public void Pair(string key, int height, int width) => Attribute(key, QModelWriter.Int(height) + " " + QModelWriter.Int(width));

    public void Word<T>(string key, (string Word, T Value)[] table, T value)
        where T : struct, Enum => Attribute(key, Vocabulary.WordOf(table, value));

    public void OutputQuant(QuantParams? quant)
    {
        if (quant is { } q)
        {
            Attribute("output_quant", QModelWriter.Quant(q));
        }
    }

    /// <summary><c>rounding single|tflite</c> when the layer overrides the header's rule; nothing otherwise.</summary>
    public void LayerRounding(Layer layer)
    {
        if (layer.RoundingOverride is { } rounding)
        {
            Word("rounding", Vocabulary.Roundings, rounding);
        }
    }

    /// <summary>
    /// <c>output_quant</c>, <c>weight_bits</c>, <c>weight_zero_point</c>, the layer's own <c>rounding</c> and the data
    /// blocks: how every weighted layer ends. Only a narrower weight range, a non-zero weight zero point and an
    /// overriding rule are written, so files of symmetric 8-bit models are what they were before those fields existed.
    /// </summary>
    public void Constants(WeightedLayer layer)
    {
        OutputQuant(layer.OutputQuant);
        if (layer.Weights is Int8Weights { WeightBits: not Int8Weights.FullBits } narrow)
        {
            Attribute("weight_bits", narrow.WeightBits);
        }

        if (layer.Weights is Int8Weights { WeightZeroPoint: not 0 } asymmetric)
        {
            Attribute("weight_zero_point", asymmetric.WeightZeroPoint);
        }

        LayerRounding(layer);

        switch (layer.Weights)
        {
            case Int8Weights d:
                Block(BlockRole.Weights, ElementType.Int8, Bytes(d.Values));
                Block(BlockRole.WeightScales, ElementType.Float32, Bytes(d.Scales));
                Block(BlockRole.Bias, ElementType.Int32, Bytes(d.Bias));
                break;
            case DynamicInt8Weights d:
                Block(BlockRole.Weights, ElementType.Int8, Bytes(d.Values));
                Block(BlockRole.WeightScales, ElementType.Float32, Bytes(d.Scales));
                Block(BlockRole.Bias, ElementType.Float32, Bytes(d.Bias));
                break;
            case Float32Weights d:
                Block(BlockRole.Weights, ElementType.Float32, Bytes(d.Values));
                Block(BlockRole.Bias, ElementType.Float32, Bytes(d.Bias));
                break;
            case Float16Weights d:
                Block(BlockRole.Weights, ElementType.Float16, Bytes(d.Values));
                Block(BlockRole.Bias, ElementType.Float32, Bytes(d.Bias));
                break;
            default:
                throw new QModelFormatException(QModelError.UnknownPrecision, 0, $"weights of type {layer.Weights.GetType().Name} have no spelling in the format");
        }
    }

    private void Block(BlockRole role, ElementType type, byte[] bytes)
    {
        int count = bytes.Length / DataBlock.SizeOf(type);
        text.Append("  ").Append(Vocabulary.WordOf(Vocabulary.BlockRoles, role)).Append(' ')
            .Append(Vocabulary.WordOf(Vocabulary.ElementTypes, type)).Append(' ').Append(QModelWriter.Int(count)).Append('\n');
        string base64 = Base64Codec.Encode(bytes);
        for (int i = 0; i < base64.Length; i += QModelWriter.Base64LineLength)
        {
            text.Append("    ").Append(base64, i, Math.Min(QModelWriter.Base64LineLength, base64.Length - i)).Append('\n');
        }
    }

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

    private static byte[] Bytes(float[] values) => Bytes(Array.ConvertAll(values, LittleEndian.SingleToInt32Bits));

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

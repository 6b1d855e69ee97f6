using System.Text;

namespace ModelCompiler.Format;

/// <summary>
/// One decoded data block of a layer: <c>  &lt;role&gt; &lt;type&gt; &lt;count&gt;</c> followed by base64 lines
/// indented four spaces. <see cref="Values"/> is a <c>sbyte[]</c>, <c>int[]</c>, <c>float[]</c> or <c>ushort[]</c>
/// (float16 bits) according to <see cref="Type"/>.
/// </summary>
internal sealed class DataBlock(BlockRole role, ElementType type, int line, Array values, int minusOneTwentyEightLine = 0, int minusOneTwentyEightIndex = -1)
{
    /// <summary>
    /// The line of the first int8 value -128 (0 when there is none) and its index: allowed only in the weights of a
    /// layer with a <c>weight_zero_point</c>, which <see cref="WeightBlocks.Assemble"/> knows once all lines are read.
    /// </summary>
    public int MinusOneTwentyEightLine { get; } = minusOneTwentyEightLine;

    public int MinusOneTwentyEightIndex { get; } = minusOneTwentyEightIndex;

    public BlockRole Role { get; } = role;
    public ElementType Type { get; } = type;
    public int Line { get; } = line;
    public Array Values { get; } = values;

    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.Int8 => 1,
        ElementType.Float16 => 2,
        _ => 4,
    };

    /// <summary>Reads the block whose header line is <paramref name="header"/> (already consumed) and its data lines.</summary>
    public static DataBlock Read(LineCursor cursor, SourceLine header, string[] tokens, BlockRole role)
    {
        if (tokens.Length != 3)
        {
            throw header.Syntax($"expected '{tokens[0]} <{Vocabulary.Choices(Vocabulary.ElementTypes)}> <count>'");
        }

        var type = FieldValues.Word(Vocabulary.ElementTypes, tokens[1], header.Number, "element type", QModelError.BlockTypeMismatch);
        int count = FieldValues.Integer(tokens[2], header.Number, "element count", 1, TensorChain.MaxElements, QModelError.InvalidDimension);
        int byteCount = count * SizeOf(type);
        long encodedLength = Base64Codec.EncodedLength(byteCount);

        // Refuse before allocating anything: a small file cannot declare a block bigger than itself.
        if (encodedLength > cursor.RemainingCharacters)
        {
            throw new QModelFormatException(
                QModelError.InvalidBase64, header.Number,
                $"block '{tokens[0]}' declares {count} {tokens[1]} values ({encodedLength} base64 characters) but only {cursor.RemainingCharacters} characters of the file remain");
        }

        var chars = new StringBuilder((int)encodedLength);
        var lineStarts = new List<int>();
        var lineNumbers = new List<int>();
        while (cursor.TryPeek(out var data) && data.Indent == 4 && !data.IsBlank)
        {
            if (chars.Length + data.Content.Length > encodedLength)
            {
                throw new QModelFormatException(
                    QModelError.InvalidBase64, data.Number, $"block '{tokens[0]}' has more base64 than its {count} values need ({encodedLength} characters)");
            }

            lineStarts.Add(chars.Length);
            lineNumbers.Add(data.Number);
            chars.Append(data.Content);
            cursor.Advance();
        }

        if (chars.Length != encodedLength)
        {
            throw new QModelFormatException(
                QModelError.InvalidBase64, header.Number,
                $"block '{tokens[0]}' is truncated: {count} {tokens[1]} values need {encodedLength} base64 characters on lines indented 4 spaces, found {chars.Length}");
        }

        int LineOf(int charIndex)
        {
            int k = lineStarts.BinarySearch(charIndex);
            return lineNumbers[k >= 0 ? k : ~k - 1];
        }

        byte[] bytes = Base64Codec.Decode(chars.ToString(), byteCount, LineOf);
        int LineOfElement(int element) => LineOf((int)((long)element * SizeOf(type) / 3 * 4));
        if (type == ElementType.Int8)
        {
            var (int8, minimum) = ToInt8(bytes);
            return new DataBlock(role, type, header.Number, int8, minimum < 0 ? 0 : LineOfElement(minimum), minimum);
        }

        Array values = type switch
        {
            ElementType.Int32 => ToInt32(bytes),
            ElementType.Float32 => ToFloat32(bytes, tokens[0], role == BlockRole.WeightScales, LineOfElement),
            _ => ToFloat16(bytes, tokens[0], LineOfElement),
        };
        return new DataBlock(role, type, header.Number, values);
    }

    /// <summary>The values and the index of the first -128 (-1 when there is none).</summary>
    private static (sbyte[] Values, int FirstMinimum) ToInt8(byte[] bytes)
    {
        var values = new sbyte[bytes.Length];
        int first = -1;
        for (int i = 0; i < bytes.Length; i++)
        {
            values[i] = unchecked((sbyte)bytes[i]);
            if (values[i] == sbyte.MinValue && first < 0)
            {
                first = i;
            }
        }

        return (values, first);
    }

    private static int[] ToInt32(byte[] bytes)
    {
        var values = new int[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = LittleEndian.ReadInt32(bytes, 4 * i);
        }

        return values;
    }

    private static float[] ToFloat32(byte[] bytes, string what, bool areScales, Func<int, int> lineOf)
    {
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            float v = LittleEndian.Int32BitsToSingle(LittleEndian.ReadInt32(bytes, 4 * i));
            if (float.IsNaN(v) || float.IsInfinity(v))
            {
                throw new QModelFormatException(QModelError.NonFiniteValue, lineOf(i), $"{what}[{i}] is {v}; data must be finite");
            }

            if (areScales && !TensorChain.IsValidScale(v))
            {
                throw new QModelFormatException(
                    QModelError.InvalidScale, lineOf(i), $"{what}[{i}] is {v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; scales must be positive, normal floats");
            }

            values[i] = v;
        }

        return values;
    }

    private static ushort[] ToFloat16(byte[] bytes, string what, Func<int, int> lineOf)
    {
        var values = new ushort[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (ushort)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
            if ((values[i] & 0x7C00) == 0x7C00)
            {
                throw new QModelFormatException(QModelError.NonFiniteValue, lineOf(i), $"{what}[{i}] (float16 bits 0x{values[i]:X4}) is not finite; data must be finite");
            }
        }

        return values;
    }
}

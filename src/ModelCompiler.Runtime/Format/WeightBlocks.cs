namespace ModelCompiler.Format;

/// <summary>
/// Turns a layer's data blocks into its <see cref="WeightData"/>: which blocks each precision has, their element
/// types, and that per-channel blocks have one entry per output channel.
/// </summary>
internal static class WeightBlocks
{
    /// <summary>The blocks a precision requires and their element types (the format's table, in writing order).</summary>
    public static (BlockRole Role, ElementType Type)[] Required(Precision precision) => precision switch
    {
        Precision.Int8 => [(BlockRole.Weights, ElementType.Int8), (BlockRole.WeightScales, ElementType.Float32), (BlockRole.Bias, ElementType.Int32)],
        Precision.DynamicInt8 => [(BlockRole.Weights, ElementType.Int8), (BlockRole.WeightScales, ElementType.Float32), (BlockRole.Bias, ElementType.Float32)],
        Precision.Float32 => [(BlockRole.Weights, ElementType.Float32), (BlockRole.Bias, ElementType.Float32)],
        _ => [(BlockRole.Weights, ElementType.Float16), (BlockRole.Bias, ElementType.Float32)],
    };

    /// <summary>
    /// The layer's constants from its blocks. <paramref name="outputs"/> is the number of output channels when the
    /// attributes fix it (filters, units); null when the input tensor does (depthwise), in which case the bias block's
    /// length stands for it and the per-channel blocks must agree with it.
    /// </summary>
    public static WeightData Assemble(LayerFields fields, Precision precision, int? outputs, int weightBits, int weightZeroPoint = 0)
    {
        var required = Required(precision);
        string precisionWord = Vocabulary.WordOf(Vocabulary.Precisions, precision);
        foreach (var block in fields.Blocks.Values)
        {
            int index = Array.FindIndex(required, r => r.Role == block.Role);
            if (index < 0)
            {
                throw new QModelFormatException(
                    QModelError.BlockTypeMismatch, block.Line, $"a {precisionWord} layer has no '{Vocabulary.WordOf(Vocabulary.BlockRoles, block.Role)}' block");
            }

            if (required[index].Type != block.Type)
            {
                throw new QModelFormatException(
                    QModelError.BlockTypeMismatch, block.Line,
                    $"'{Vocabulary.WordOf(Vocabulary.BlockRoles, block.Role)}' of a {precisionWord} layer is {Vocabulary.WordOf(Vocabulary.ElementTypes, required[index].Type)}, not {Vocabulary.WordOf(Vocabulary.ElementTypes, block.Type)}");
            }
        }

        int? channels = outputs ?? (fields.Blocks.TryGetValue(BlockRole.Bias, out var biasBlock) ? biasBlock.Values.Length : null);
        foreach (var (role, type) in required)
        {
            if (!fields.Blocks.TryGetValue(role, out var block))
            {
                throw new QModelFormatException(
                    QModelError.MissingField, fields.Header.Number,
                    $"{precisionWord} layer '{fields.Name}' has no '{Vocabulary.WordOf(Vocabulary.BlockRoles, role)} {Vocabulary.WordOf(Vocabulary.ElementTypes, type)}' block");
            }

            if (role != BlockRole.Weights && channels is int expected && block.Values.Length != expected)
            {
                string what = outputs is null ? $"its bias has {expected} values, one per channel" : $"layer '{fields.Name}' has {expected} output channels";
                throw new QModelFormatException(
                    QModelError.WeightCountMismatch, block.Line,
                    $"'{Vocabulary.WordOf(Vocabulary.BlockRoles, role)}' has {block.Values.Length} values but {what}");
            }
        }

        var blocks = fields.Blocks;

        // -128 is a weight only where a non-zero zero point makes the weights asymmetric; elsewhere it is refused at its
        // data line, as before the field existed.
        if (blocks[BlockRole.Weights] is { MinusOneTwentyEightLine: > 0 } withMinimum && weightZeroPoint == 0)
        {
            throw new QModelFormatException(
                QModelError.WeightOutOfRange, withMinimum.MinusOneTwentyEightLine,
                $"weights[{withMinimum.MinusOneTwentyEightIndex}] is -128; int8 weights are symmetric, in [-127, 127], unless the layer has a non-zero weight_zero_point");
        }

        return precision switch
        {
            Precision.Int8 => new Int8Weights((sbyte[])blocks[BlockRole.Weights].Values, (float[])blocks[BlockRole.WeightScales].Values, (int[])blocks[BlockRole.Bias].Values, weightBits, weightZeroPoint),
            Precision.DynamicInt8 => new DynamicInt8Weights((sbyte[])blocks[BlockRole.Weights].Values, (float[])blocks[BlockRole.WeightScales].Values, (float[])blocks[BlockRole.Bias].Values),
            Precision.Float32 => new Float32Weights((float[])blocks[BlockRole.Weights].Values, (float[])blocks[BlockRole.Bias].Values),
            _ => new Float16Weights((ushort[])blocks[BlockRole.Weights].Values, (float[])blocks[BlockRole.Bias].Values),
        };
    }
}

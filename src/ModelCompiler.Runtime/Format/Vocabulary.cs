namespace ModelCompiler.Format;

/// <summary>
/// The words of the <c>.qmodel</c> text format and the enum values they stand for. Reader and writer both use
/// these tables, so a spelling cannot differ between them. Op words belong to their operators
/// (<see cref="OperatorCatalog"/>).
/// </summary>
internal static class Vocabulary
{
    public static readonly (string Word, Precision Value)[] Precisions =
    [
        ("int8", Precision.Int8),
        ("float32", Precision.Float32),
        ("dynamic_int8", Precision.DynamicInt8),
        ("float16", Precision.Float16),
    ];

    public static readonly (string Word, Padding Value)[] Paddings =
    [
        ("valid", Padding.Valid),
        ("same", Padding.Same),
    ];

    public static readonly (string Word, Activation Value)[] Activations =
    [
        ("none", Activation.None),
        ("relu", Activation.Relu),
        ("relu6", Activation.Relu6),
    ];

    public static readonly (string Word, Rounding Value)[] Roundings =
    [
        ("single", Rounding.Single),
        ("tflite", Rounding.Tflite),
    ];

    public static readonly (string Word, AverageTies Value)[] AverageTies =
    [
        ("away", Format.AverageTies.AwayFromZero),
        ("up", Format.AverageTies.Up),
    ];

    public static readonly (string Word, InputLayout Value)[] Layouts =
    [
        ("hwc", InputLayout.Hwc),
        ("chw", InputLayout.Chw),
    ];

    public static readonly (string Word, FlattenOrder Value)[] FlattenOrders =
    [
        ("hwc", FlattenOrder.Hwc),
        ("chw", FlattenOrder.Chw),
    ];

    public static readonly (string Word, BlockRole Value)[] BlockRoles =
    [
        ("weights", BlockRole.Weights),
        ("weight_scales", BlockRole.WeightScales),
        ("bias", BlockRole.Bias),
    ];

    public static readonly (string Word, ElementType Value)[] ElementTypes =
    [
        ("int8", ElementType.Int8),
        ("int32", ElementType.Int32),
        ("float32", ElementType.Float32),
        ("float16", ElementType.Float16),
    ];

    public static bool TryParse<T>((string Word, T Value)[] table, string word, out T value)
    {
        foreach (var entry in table)
        {
            if (string.Equals(entry.Word, word, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public static string WordOf<T>((string Word, T Value)[] table, T value)
        where T : struct, Enum
    {
        foreach (var entry in table)
        {
            if (EqualityComparer<T>.Default.Equals(entry.Value, value))
            {
                return entry.Word;
            }
        }

        throw new QModelFormatException(QModelError.InvalidAttribute, 0, $"{typeof(T).Name} value {value} has no spelling in the format");
    }

    /// <summary>The accepted words, for error messages: <c>valid|same</c>.</summary>
    public static string Choices<T>((string Word, T Value)[] table) => string.Join("|", table.Select(e => e.Word));
}

/// <summary>What a data block of a Conv2D or Dense layer holds.</summary>
internal enum BlockRole
{
    Weights,
    WeightScales,
    Bias,
}

/// <summary>Element type of a data block, stored little-endian.</summary>
internal enum ElementType
{
    Int8,
    Int32,
    Float32,
    Float16,
}

namespace ModelCompiler.Import;

/// <summary>A tensor's element type, as either format names it (<see cref="Other"/> for the rest: complex, string, 4-bit...).</summary>
public enum ElementType
{
    Other,
    Float32,
    Float16,
    BFloat16,
    Float64,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Bool,
    String,
}

/// <summary>Sizes of <see cref="ElementType"/> values.</summary>
public static class ElementTypes
{
    /// <summary>Bytes per element, or 0 for types without a fixed size (<see cref="ElementType.String"/>, <see cref="ElementType.Other"/>).</summary>
    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.Int8 or ElementType.UInt8 or ElementType.Bool => 1,
        ElementType.Float16 or ElementType.BFloat16 or ElementType.Int16 or ElementType.UInt16 => 2,
        ElementType.Float32 or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.Float64 or ElementType.Int64 or ElementType.UInt64 => 8,
        _ => 0,
    };
}

using System.Buffers.Binary;

namespace ModelCompiler.Import;

/// <summary>
/// A tensor of a <see cref="SourceModel"/>: an activation, a graph input or output, or a constant (weights, biases,
/// shapes, scales) whose little-endian bytes are in <see cref="Data"/>.
/// </summary>
public sealed class SourceTensor
{
    public required int Index { get; init; }

    /// <summary>The name the file gives (TFLite tensor name, ONNX value name); may be empty in TFLite files.</summary>
    public required string Name { get; init; }

    public required ElementType Type { get; init; }

    /// <summary>
    /// The dimensions in the source's layout (<see cref="SourceModel.Layout"/>), outermost first; empty for a scalar;
    /// null when the file does not say and the reader could not infer it (ONNX values after an unsupported operator).
    /// A dynamic batch dimension is read as 1 (see <see cref="SourceModel.Notes"/>).
    /// </summary>
    public required IReadOnlyList<int>? Shape { get; init; }

    /// <summary>The tensor's quantization (TFLite: from the tensor; ONNX: from the QuantizeLinear/DequantizeLinear nodes that produce or read it).</summary>
    public TensorQuantization? Quantization { get; set; }

    /// <summary>The constant's raw little-endian bytes (element count × element size), or null for a value computed at run time.</summary>
    public byte[]? Data { get; init; }

    /// <summary>Whether the tensor is a constant stored in the file.</summary>
    public bool IsConstant => Data is not null;

    /// <summary>Number of elements (1 for a scalar), or null when the shape is unknown.</summary>
    public long? ElementCount => Shape?.Aggregate(1L, (n, d) => n * d);

    /// <summary>The constant's values as int8; the tensor must be an int8 constant.</summary>
    public sbyte[] ReadInt8() => Read(ElementType.Int8, (span, i) => (sbyte)span[i]);

    /// <summary>The constant's values as uint8; the tensor must be a uint8 constant.</summary>
    public byte[] ReadUInt8() => Read(ElementType.UInt8, (span, i) => span[i]);

    /// <summary>The constant's values as int32; the tensor must be an int32 constant.</summary>
    public int[] ReadInt32() => Read(ElementType.Int32, (span, i) => BinaryPrimitives.ReadInt32LittleEndian(span[(i * 4)..]));

    /// <summary>The constant's values as int64; the tensor must be an int64 constant.</summary>
    public long[] ReadInt64() => Read(ElementType.Int64, (span, i) => BinaryPrimitives.ReadInt64LittleEndian(span[(i * 8)..]));

    /// <summary>The constant's values as float32; the tensor must be a float32 constant.</summary>
    public float[] ReadFloat32() => Read(ElementType.Float32, (span, i) => BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]));

    /// <summary>Integer constants of any integer type widened to int64 (shapes, axes, zero points).</summary>
    public long[] ReadIntegers() => Type switch
    {
        ElementType.Int8 => Array.ConvertAll(ReadInt8(), v => (long)v),
        ElementType.UInt8 => Array.ConvertAll(ReadUInt8(), v => (long)v),
        ElementType.Int32 => Array.ConvertAll(ReadInt32(), v => (long)v),
        ElementType.Int64 => ReadInt64(),
        _ => throw new InvalidOperationException($"tensor '{Name}' is {Type}, not an integer type"),
    };

    public override string ToString() =>
        $"tensor {Index} '{Name}' {Type} [{(Shape is null ? "?" : string.Join(",", Shape))}]{(IsConstant ? " const" : "")}";

    private delegate T ElementReader<T>(ReadOnlySpan<byte> data, int index);

    private T[] Read<T>(ElementType expected, ElementReader<T> read)
    {
        if (Data is null)
        {
            throw new InvalidOperationException($"tensor '{Name}' is not a constant");
        }

        if (Type != expected)
        {
            throw new InvalidOperationException($"tensor '{Name}' is {Type}, not {expected}");
        }

        var values = new T[Data.Length / ElementTypes.SizeOf(expected)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = read(Data, i);
        }

        return values;
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelCompiler.Onnx.Schema;
using DataType = ModelCompiler.Onnx.Schema.TensorProto.Types.DataType;

namespace ModelCompiler.Import.Onnx;

/// <summary>Turns an ONNX <c>TensorProto</c> (initializer or Constant value) into little-endian bytes, from <c>raw_data</c> or the typed fields.</summary>
internal static class OnnxTensorDecoder
{
    /// <summary>Elements a constant may hold (2^28; the largest .qmodel block is 2^26).</summary>
    public const long MaxElements = 1L << 28;

    public static ElementType ElementTypeOf(int dataType) => dataType switch
    {
        (int)DataType.Float => ElementType.Float32,
        (int)DataType.Uint8 => ElementType.UInt8,
        (int)DataType.Int8 => ElementType.Int8,
        (int)DataType.Uint16 => ElementType.UInt16,
        (int)DataType.Int16 => ElementType.Int16,
        (int)DataType.Int32 => ElementType.Int32,
        (int)DataType.Int64 => ElementType.Int64,
        (int)DataType.String => ElementType.String,
        (int)DataType.Bool => ElementType.Bool,
        (int)DataType.Float16 => ElementType.Float16,
        (int)DataType.Double => ElementType.Float64,
        12 => ElementType.UInt32,
        13 => ElementType.UInt64,
        16 => ElementType.BFloat16,
        _ => ElementType.Other,
    };

    /// <summary>The dimensions of <paramref name="tensor"/>, or null (with a problem added) when one is negative or the total is too large.</summary>
    public static int[]? Shape(TensorProto tensor, string location, ImportProblems problems)
    {
        var dims = new int[tensor.Dims.Count];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = tensor.Dims[i];
            if (d < 0 || d > MaxElements || (count *= Math.Max(d, 1)) > MaxElements)
            {
                problems.Add(location, "dims", $"dimensions [{string.Join(",", tensor.Dims)}] are negative or hold more than {MaxElements} elements");
                return null;
            }

            dims[i] = (int)d;
        }

        return dims;
    }

    /// <summary>
    /// The tensor's bytes (element count × element size, little-endian), or an empty array for an element type whose
    /// values are not decoded (strings, complex: the validator refuses the type). Adds a problem and returns null
    /// when the data is stored outside the file, in segments, or does not match the shape.
    /// </summary>
    public static byte[]? Data(TensorProto tensor, int[] shape, string location, ImportProblems problems)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
        {
            problems.Add(location, "data_location", "data stored in an external file is not supported (save the model with its data inside)");
            return null;
        }

        if (tensor.Segment is not null)
        {
            problems.Add(location, "segment", "segmented tensors are not supported");
            return null;
        }

        var type = ElementTypeOf(tensor.DataType);
        int size = ElementTypes.SizeOf(type);
        long count = shape.Aggregate(1L, (n, d) => n * d);
        if (size == 0)
        {
            return [];
        }

        long bytes = count * size;
        if (!tensor.RawData.IsEmpty)
        {
            if (tensor.RawData.Length != bytes)
            {
                problems.Add(location, "raw_data", $"{tensor.RawData.Length} bytes; shape [{string.Join(",", shape)}] of {type} needs {bytes}");
                return null;
            }

            return tensor.RawData.ToByteArray();
        }

        var data = new byte[bytes];
        int stored;
        switch (type)
        {
            case ElementType.Float32:
                stored = tensor.FloatData.Count;
                if (stored == count)
                {
                    MemoryMarshal.AsBytes(tensor.FloatData.ToArray().AsSpan()).CopyTo(data);
                }

                break;
            case ElementType.Int64:
                stored = tensor.Int64Data.Count;
                if (stored == count)
                {
                    MemoryMarshal.AsBytes(tensor.Int64Data.ToArray().AsSpan()).CopyTo(data);
                }

                break;
            case ElementType.Float64:
                stored = tensor.DoubleData.Count;
                if (stored == count)
                {
                    MemoryMarshal.AsBytes(tensor.DoubleData.ToArray().AsSpan()).CopyTo(data);
                }

                break;
            case ElementType.UInt32 or ElementType.UInt64:
                stored = tensor.Uint64Data.Count;
                for (int i = 0; i < count && stored == count; i++)
                {
                    if (size == 4)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(i * 4), (uint)tensor.Uint64Data[i]);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(i * 8), tensor.Uint64Data[i]);
                    }
                }

                break;
            default:
                // int8, uint8, int16, uint16, int32, bool, float16, bfloat16: one int32_data entry per element,
                // holding the value (or, for 16-bit floats, the bits) in its low bits.
                stored = tensor.Int32Data.Count;
                for (int i = 0; i < count && stored == count; i++)
                {
                    int value = tensor.Int32Data[i];
                    switch (size)
                    {
                        case 1:
                            data[i] = (byte)value;
                            break;
                        case 2:
                            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), (ushort)value);
                            break;
                        default:
                            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(i * 4), value);
                            break;
                    }
                }

                break;
        }

        if (stored != count)
        {
            problems.Add(location, "data", $"{stored} values stored; shape [{string.Join(",", shape)}] needs {count}");
            return null;
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the importer assumes a little-endian machine");
        }

        return data;
    }
}

using Google.Protobuf;
using ModelCompiler.Format;
using ModelCompiler.Onnx.Schema;

namespace ModelCompiler.Onnx;

/// <summary>Accumulates the nodes and initializers of one ONNX graph and hands out unique value names.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name) => _graph.Name = name;

    public GraphProto Graph => _graph;

    public string Node(string opType, string outputStem, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = UniqueName(outputStem);
        var node = new NodeProto { OpType = opType, Name = output + "_" + opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public string Floats(string stem, float[] values, params long[] dims) =>
        Initializer(stem, TensorProto.Types.DataType.Float, dims, Bytes(values));

    public string Int8s(string stem, sbyte[] values, params long[] dims) =>
        Initializer(stem, TensorProto.Types.DataType.Int8, dims, Bytes(values));

    public string UInt8s(string stem, byte[] values, params long[] dims) =>
        Initializer(stem, TensorProto.Types.DataType.Uint8, dims, values);

    public string Int32s(string stem, int[] values, params long[] dims) =>
        Initializer(stem, TensorProto.Types.DataType.Int32, dims, Bytes(values));

    public string Int64s(string stem, long[] values, params long[] dims) =>
        Initializer(stem, TensorProto.Types.DataType.Int64, dims, Bytes(values));

    /// <summary>QuantizeLinear then DequantizeLinear of <paramref name="x"/>: the value as the int8 tensor holds it.</summary>
    public string QuantizeDequantize(string x, QuantParams q, string name)
    {
        // ORT's fused int8 kernels want uint8 activations: the same real values with the zero point moved by 128.
        string scale = Floats(name + "_q_scale", [q.Scale]);
        string zero = UInt8s(name + "_q_zp", [(byte)(q.ZeroPoint + 128)]);
        string quantized = Node("QuantizeLinear", name + "_q", [x, scale, zero]);
        return Node("DequantizeLinear", name + "_dq", [quantized, scale, zero]);
    }

    public void Input(string name, TensorProto.Types.DataType type, params long[] dims) => _graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params long[] dims) => _graph.Output.Add(ValueInfo(name, type, dims));

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>
    /// The padding attribute of a window over <paramref name="input"/>: <c>pads</c> (top, left, bottom, right), or
    /// <c>auto_pad = SAME_UPPER</c> (ONNX's name for TensorFlow's rule) when a 'same' window needs no padding, where
    /// zero pads would read back as 'valid' (the same computation, but not the same layer).
    /// </summary>
    public static AttributeProto Pads(TensorShape input, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, Padding padding)
    {
        long[] pads =
        [
            TensorChain.PaddingBefore(input.Height, kernelHeight, strideHeight, padding),
            TensorChain.PaddingBefore(input.Width, kernelWidth, strideWidth, padding),
            TensorChain.PaddingAfter(input.Height, kernelHeight, strideHeight, padding),
            TensorChain.PaddingAfter(input.Width, kernelWidth, strideWidth, padding),
        ];
        return padding == Padding.Same && pads.All(p => p == 0) ? String("auto_pad", "SAME_UPPER") : Ints("pads", pads);
    }

    private string UniqueName(string stem)
    {
        string name = stem;
        for (int i = 1; !_names.Add(name); i++)
        {
            name = $"{stem}_{i}";
        }

        return name;
    }

    private string Initializer(string stem, TensorProto.Types.DataType type, long[] dims, byte[] data)
    {
        string name = UniqueName(stem);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    // ONNX raw_data is little-endian, which is what MemoryMarshal gives on every platform .NET 10 runs on.
    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}

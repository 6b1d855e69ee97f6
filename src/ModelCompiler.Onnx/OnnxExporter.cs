using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Onnx.Schema;
using static ModelCompiler.Onnx.OnnxGraphBuilder;
using DataType = ModelCompiler.Onnx.Schema.TensorProto.Types.DataType;

namespace ModelCompiler.Onnx;

/// <summary>
/// Writes a <c>.qmodel</c> as an ONNX model (opset 13). The graph takes the input as float32 NCHW <c>[1, C, H, W]</c>
/// named <c>input</c>, already preprocessed (pixel * scale + offset), and returns <c>output</c>: the probabilities
/// when the model ends in softmax, else the logits.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13;

    public static ModelProto Export(QModel model, OnnxExportKind kind)
    {
        var tensors = TensorChain.Infer(model);
        var graph = new OnnxGraphBuilder(model.Name);
        var input = model.InputShape;
        graph.Input("input", DataType.Float, 1, input.Channels, input.Height, input.Width);

        bool qdq = kind == OnnxExportKind.QuantizedQdq;
        string current = "input";
        if (model.InputQuant is { } iq && qdq)
        {
            current = QuantizeDequantize(graph, current, iq, "input");
        }

        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var before = tensors[i];
            var after = tensors[i + 1];
            current = layer switch
            {
                Conv2DLayer conv => Conv(graph, current, conv, before, qdq),
                DenseLayer dense => Dense(graph, current, dense, before, qdq),
                Pool2DLayer pool => Pool(graph, current, pool, before.Shape),
                GlobalAveragePoolLayer => graph.Node("Flatten", layer.Name, [graph.Node("GlobalAveragePool", layer.Name + "_pool", [current])], Int("axis", 1)),
                FlattenLayer flatten => Flatten(graph, current, flatten),
                SoftmaxLayer => graph.Node("Softmax", layer.Name, [current], Int("axis", 1)),
                QuantizeLayer q => qdq ? QuantizeDequantize(graph, current, q.Output, layer.Name) : current,
                DequantizeLayer => current,
                _ => throw new NotSupportedException($"layer '{layer.Name}' ({layer.Op}) has no ONNX export"),
            };

            // Pools and flatten keep their input's quantization; ORT fuses them only if they carry their own Q/DQ pair
            // with exactly those parameters.
            if (qdq && after.Quant is { } q8 && layer is Pool2DLayer or GlobalAveragePoolLayer or FlattenLayer)
            {
                current = QuantizeDequantize(graph, current, q8, layer.Name);
            }
        }

        string output = graph.Node("Identity", "output", [current]);
        graph.Output(output, DataType.Float, 1, tensors[^1].Shape.Length);

        var proto = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "ModelCompiler",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "1",
            DocString = $"{model.Name} exported from a .qmodel ({kind}); input float32 NCHW preprocessed as pixel * {model.Preprocessing.Scale} + {model.Preprocessing.Offset}",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "labels", Value = string.Join("\n", model.Labels) });
        foreach (var entry in model.Provenance)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = "provenance." + entry.Key, Value = entry.Value });
        }

        return proto;
    }

    private static string Conv(OnnxGraphBuilder graph, string x, Conv2DLayer conv, TensorInfo before, bool qdq)
    {
        var shape = before.Shape;
        long[] wDims = [conv.Filters, shape.Channels, conv.KernelHeight, conv.KernelWidth];
        var (w, b) = Constants(graph, conv.Name, conv.Weights, before.Quant, wDims, qdq);
        int top = TensorChain.PaddingBefore(shape.Height, conv.KernelHeight, conv.StrideHeight, conv.Padding);
        int left = TensorChain.PaddingBefore(shape.Width, conv.KernelWidth, conv.StrideWidth, conv.Padding);
        int bottom = PaddingAfter(shape.Height, conv.KernelHeight, conv.StrideHeight, conv.Padding, top);
        int right = PaddingAfter(shape.Width, conv.KernelWidth, conv.StrideWidth, conv.Padding, left);
        string y = graph.Node("Conv", conv.Name, [x, w, b],
            Ints("kernel_shape", conv.KernelHeight, conv.KernelWidth),
            Ints("strides", conv.StrideHeight, conv.StrideWidth),
            Ints("pads", top, left, bottom, right));
        return Activate(graph, y, conv.Activation, conv.OutputQuant, conv.Name, qdq);
    }

    private static string Dense(OnnxGraphBuilder graph, string x, DenseLayer dense, TensorInfo before, bool qdq)
    {
        var (w, b) = Constants(graph, dense.Name, dense.Weights, before.Quant, [dense.Units, before.Shape.Length], qdq);
        string y = graph.Node("Gemm", dense.Name, [x, w, b], Int("transB", 1));
        return Activate(graph, y, dense.Activation, dense.OutputQuant, dense.Name, qdq);
    }

    private static string Activate(OnnxGraphBuilder graph, string y, Activation activation, QuantParams? output, string name, bool qdq)
    {
        y = activation switch
        {
            Activation.Relu => graph.Node("Relu", name + "_relu", [y]),
            Activation.Relu6 => graph.Node("Clip", name + "_relu6", [y, graph.Floats(name + "_min", [0f]), graph.Floats(name + "_max", [6f])]),
            _ => y,
        };
        return qdq && output is { } q ? QuantizeDequantize(graph, y, q, name) : y;
    }

    private static string Pool(OnnxGraphBuilder graph, string x, Pool2DLayer pool, TensorShape shape)
    {
        int top = TensorChain.PaddingBefore(shape.Height, pool.PoolHeight, pool.StrideHeight, pool.Padding);
        int left = TensorChain.PaddingBefore(shape.Width, pool.PoolWidth, pool.StrideWidth, pool.Padding);
        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", pool.PoolHeight, pool.PoolWidth),
            Ints("strides", pool.StrideHeight, pool.StrideWidth),
            Ints("pads", top, left,
                PaddingAfter(shape.Height, pool.PoolHeight, pool.StrideHeight, pool.Padding, top),
                PaddingAfter(shape.Width, pool.PoolWidth, pool.StrideWidth, pool.Padding, left)),
        };
        if (!pool.IsMax)
        {
            attributes.Add(Int("count_include_pad", 0));
        }

        return graph.Node(pool.IsMax ? "MaxPool" : "AveragePool", pool.Name, [x], [.. attributes]);
    }

    private static string Flatten(OnnxGraphBuilder graph, string x, FlattenLayer flatten)
    {
        // ONNX tensors are NCHW, so Flatten yields CHW order; HWC order needs the channels moved last first.
        if (flatten.Order == FlattenOrder.Hwc)
        {
            x = graph.Node("Transpose", flatten.Name + "_nhwc", [x], Ints("perm", 0, 2, 3, 1));
        }

        return graph.Node("Flatten", flatten.Name, [x], Int("axis", 1));
    }

    /// <summary>Weight and bias inputs: DequantizeLinear of the stored int8/int32 values (QDQ), or float32 values.</summary>
    private static (string Weights, string Bias) Constants(
        OnnxGraphBuilder graph, string name, WeightData data, QuantParams? input, long[] wDims, bool qdq)
    {
        int outputs = data.OutputChannels;
        switch (data)
        {
            case Int8Weights w8 when qdq:
            {
                float inputScale = input!.Value.Scale;
                var biasScales = w8.Scales.Select(s => inputScale * s).ToArray();
                string w = graph.Node("DequantizeLinear", name + "_w", [
                    graph.Int8s(name + "_w_q", w8.Values, wDims), graph.Floats(name + "_w_scale", w8.Scales, outputs),
                    graph.Int8s(name + "_w_zp", new sbyte[outputs], outputs)], Int("axis", 0));
                string b = graph.Node("DequantizeLinear", name + "_b", [
                    graph.Int32s(name + "_b_q", w8.Bias, outputs), graph.Floats(name + "_b_scale", biasScales, outputs),
                    graph.Int32s(name + "_b_zp", new int[outputs], outputs)], Int("axis", 0));
                return (w, b);
            }

            default:
                var (weights, bias) = FloatConstants(data, input);
                return (graph.Floats(name + "_w", weights, wDims), graph.Floats(name + "_b", bias, outputs));
        }
    }

    /// <summary>The float32 weights and bias a layer stands for, whatever its storage precision.</summary>
    public static (float[] Weights, float[] Bias) FloatConstants(WeightData data, QuantParams? input)
    {
        int perChannel = data.WeightCount / data.OutputChannels;
        switch (data)
        {
            case Int8Weights w:
            {
                float inputScale = input?.Scale ?? throw new ArgumentException("int8 weights need the input quantization");
                var weights = new float[w.WeightCount];
                for (int i = 0; i < weights.Length; i++)
                {
                    weights[i] = w.Values[i] * w.Scales[i / perChannel];
                }

                var bias = new float[w.OutputChannels];
                for (int c = 0; c < bias.Length; c++)
                {
                    bias[c] = w.Bias[c] * (inputScale * w.Scales[c]);
                }

                return (weights, bias);
            }

            case DynamicInt8Weights w:
            {
                var weights = new float[w.WeightCount];
                for (int i = 0; i < weights.Length; i++)
                {
                    weights[i] = w.Values[i] * w.Scales[i / perChannel];
                }

                return (weights, w.Bias);
            }

            case Float32Weights w:
                return (w.Values, w.Bias);
            case Float16Weights w:
                return (w.Values.Select(HalfConversion.ToSingle).ToArray(), w.Bias);
            default:
                throw new NotSupportedException($"weights of precision {data.Precision} have no float form");
        }
    }

    private static string QuantizeDequantize(OnnxGraphBuilder graph, string x, QuantParams q, string name)
    {
        // ORT's fused int8 kernels want uint8 activations: the same real values with the zero point moved by 128.
        string scale = graph.Floats(name + "_q_scale", [q.Scale]);
        string zero = graph.UInt8s(name + "_q_zp", [(byte)(q.ZeroPoint + 128)]);
        string quantized = graph.Node("QuantizeLinear", name + "_q", [x, scale, zero]);
        return graph.Node("DequantizeLinear", name + "_dq", [quantized, scale, zero]);
    }

    private static int PaddingAfter(int input, int kernel, int stride, Padding padding, int before)
    {
        if (padding == Padding.Valid)
        {
            return 0;
        }

        int output = TensorChain.OutputSize(input, kernel, stride, padding);
        return Math.Max((output - 1) * stride + kernel - input, 0) - before;
    }
}

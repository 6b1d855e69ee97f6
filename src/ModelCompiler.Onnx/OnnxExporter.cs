using ModelCompiler.Format;
using ModelCompiler.Onnx.Schema;
using DataType = ModelCompiler.Onnx.Schema.TensorProto.Types.DataType;

namespace ModelCompiler.Onnx;

/// <summary>
/// Writes a <c>.qmodel</c> as an ONNX model (opset 13). The graph takes the input as float32 NCHW <c>[1, C, H, W]</c>
/// named <c>input</c>, already preprocessed (pixel * scale + offset), and returns <c>output</c>: the probabilities
/// when the model ends in softmax, else the logits. Each layer is written by its operator's export (<see cref="ExportCatalog"/>).
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
            current = graph.QuantizeDequantize(current, iq, "input");
        }

        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var context = new LayerExportContext(graph, qdq, [current], [tensors[i]], tensors[i + 1]);
            current = ExportCatalog.Of(layer).Export(context, layer);
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
}

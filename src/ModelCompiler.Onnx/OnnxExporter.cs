using ModelCompiler.Format;
using ModelCompiler.Onnx.Schema;
using DataType = ModelCompiler.Onnx.Schema.TensorProto.Types.DataType;

namespace ModelCompiler.Onnx;

/// <summary>
/// Writes a <c>.qmodel</c> as an ONNX model (opset 13). The graph takes the input as float32 NCHW <c>[1, C, H, W]</c>
/// named <c>input</c>, already preprocessed (pixel * scale + offset), and returns <c>output</c>: the probabilities
/// when the model ends in softmax, else the logits. Each layer is written by its operator's export (<see cref="ExportCatalog"/>),
/// reading the values of the tensors it names, so graphs (skip connections) export as graphs.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13;

    /// <summary>The metadata key of the input preprocessing (<c>scale=S offset=O</c>: the graph's input is pixel·S + O), which the importer reads back.</summary>
    public const string PreprocessKey = "modelcompiler.preprocess";

    public static ModelProto Export(QModel model, OnnxExportKind kind)
    {
        var modelGraph = TensorChain.InferGraph(model);
        var tensors = modelGraph.Tensors;
        var graph = new OnnxGraphBuilder(model.Name);
        var input = model.InputShape;
        graph.Input("input", DataType.Float, 1, input.Channels, input.Height, input.Width);

        bool qdq = kind == OnnxExportKind.QuantizedQdq;
        var values = new string[tensors.Count];
        values[0] = "input";
        if (model.InputQuant is { } iq && qdq)
        {
            values[0] = graph.QuantizeDequantize(values[0], iq, "input");
        }

        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var reads = modelGraph.InputsOf(i);
            var context = new LayerExportContext(graph, qdq, reads.Select(t => values[t]).ToArray(), reads.Select(t => tensors[t]).ToArray(), tensors[ModelGraph.OutputOf(i)]);
            values[ModelGraph.OutputOf(i)] = ExportCatalog.Of(layer).Export(context, layer);
        }

        string output = graph.Node("Identity", "output", [values[modelGraph.OutputTensor]]);
        graph.Output(output, DataType.Float, 1, tensors[modelGraph.OutputTensor].Shape.Length);

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
        proto.MetadataProps.Add(new StringStringEntryProto { Key = PreprocessKey, Value = FormattableString.Invariant($"scale={model.Preprocessing.Scale:R} offset={model.Preprocessing.Offset:R}") });
        foreach (var entry in model.Provenance)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = "provenance." + entry.Key, Value = entry.Value });
        }

        return proto;
    }
}

using ModelCompiler.Format;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary><c>Softmax</c> over the class axis.</summary>
internal sealed class SoftmaxExport : LayerExport<SoftmaxLayer>
{
    protected override string Export(LayerExportContext context, SoftmaxLayer layer) =>
        context.Graph.Node("Softmax", layer.Name, [context.Input], Int("axis", 1));
}

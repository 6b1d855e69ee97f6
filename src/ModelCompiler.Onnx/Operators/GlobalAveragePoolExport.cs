using ModelCompiler.Format;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary><c>GlobalAveragePool</c> keeps [1, C, 1, 1]; the Runtime's output is [C], so a Flatten follows.</summary>
internal sealed class GlobalAveragePoolExport : LayerExport<GlobalAveragePoolLayer>
{
    protected override string Export(LayerExportContext context, GlobalAveragePoolLayer layer)
    {
        var graph = context.Graph;
        string y = graph.Node("Flatten", layer.Name, [graph.Node("GlobalAveragePool", layer.Name + "_pool", [context.Input])], Int("axis", 1));
        return context.KeepQuantization(y, layer.Name);
    }
}

using ModelCompiler.Format;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary>
/// <c>GlobalAveragePool</c> keeps [1, C, 1, 1]; the Runtime's output is [C], so a Flatten follows. In a QDQ graph the
/// output's Q/DQ pair is the layer's output quantization: the input's, or for a mean that rescales (<c>output_quant</c>)
/// its own, so that one is DQ, GlobalAveragePool, Q in float, not TFLite's integer MEAN: it agrees with the int8
/// interpreter up to one step next to a half-way point.
/// </summary>
internal sealed class GlobalAveragePoolExport : LayerExport<GlobalAveragePoolLayer>
{
    protected override string Export(LayerExportContext context, GlobalAveragePoolLayer layer)
    {
        var graph = context.Graph;
        string y = graph.Node("Flatten", layer.Name, [graph.Node("GlobalAveragePool", layer.Name + "_pool", [context.Input])], Int("axis", 1));
        return context.KeepQuantization(y, layer.Name);
    }
}

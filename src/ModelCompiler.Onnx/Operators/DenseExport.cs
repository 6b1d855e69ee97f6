using ModelCompiler.Format;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary>Dense as <c>Gemm</c> with <c>transB=1</c> (weights are [units][inputs]), then its activation.</summary>
internal sealed class DenseExport : WeightedExport<DenseLayer>
{
    protected override string Export(LayerExportContext context, DenseLayer dense)
    {
        var (w, b) = Constants(context, dense, [dense.Units, context.InputTensor.Shape.Length]);
        string y = context.Graph.Node("Gemm", dense.Name, [context.Input, w, b], Int("transB", 1));
        return Activate(context, dense, y);
    }
}

using ModelCompiler.Format;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary>ONNX tensors are NCHW, so Flatten yields CHW order; HWC order needs the channels moved last first.</summary>
internal sealed class FlattenExport : LayerExport<FlattenLayer>
{
    protected override string Export(LayerExportContext context, FlattenLayer flatten)
    {
        string x = context.Input;
        if (flatten.Order == FlattenOrder.Hwc)
        {
            x = context.Graph.Node("Transpose", flatten.Name + "_nhwc", [x], Ints("perm", 0, 2, 3, 1));
        }

        return context.KeepQuantization(context.Graph.Node("Flatten", flatten.Name, [x], Int("axis", 1)), flatten.Name);
    }
}

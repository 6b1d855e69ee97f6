using ModelCompiler.Format;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary>
/// Depthwise convolution as <c>Conv</c> with <c>group</c> = channels and weights <c>[C, 1, KH, KW]</c> (the format's
/// order already), explicit pads as for Conv2D, then its activation. ONNX Runtime fuses the QDQ form into a
/// QLinearConv with groups.
/// </summary>
internal sealed class DepthwiseConv2DExport : WeightedExport<DepthwiseConv2DLayer>
{
    protected override string Export(LayerExportContext context, DepthwiseConv2DLayer dw)
    {
        var shape = context.InputTensor.Shape;
        var (w, b) = Constants(context, dw, [shape.Channels, 1, dw.KernelHeight, dw.KernelWidth]);
        string y = context.Graph.Node("Conv", dw.Name, [context.Input, w, b],
            Ints("kernel_shape", dw.KernelHeight, dw.KernelWidth),
            Ints("strides", dw.StrideHeight, dw.StrideWidth),
            Pads(shape, dw.KernelHeight, dw.KernelWidth, dw.StrideHeight, dw.StrideWidth, dw.Padding),
            Int("group", shape.Channels));
        return Activate(context, dw, y);
    }
}

using ModelCompiler.Format;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary>Conv2D as <c>Conv</c> with explicit pads (TensorFlow 'same' puts the odd cell after), then its activation.</summary>
internal sealed class Conv2DExport : WeightedExport<Conv2DLayer>
{
    protected override string Export(LayerExportContext context, Conv2DLayer conv)
    {
        var shape = context.InputTensor.Shape;
        var (w, b) = Constants(context, conv, [conv.Filters, shape.Channels, conv.KernelHeight, conv.KernelWidth]);
        string y = context.Graph.Node("Conv", conv.Name, [context.Input, w, b],
            Ints("kernel_shape", conv.KernelHeight, conv.KernelWidth),
            Ints("strides", conv.StrideHeight, conv.StrideWidth),
            Pads(shape, conv.KernelHeight, conv.KernelWidth, conv.StrideHeight, conv.StrideWidth, conv.Padding));
        return Activate(context, conv, y);
    }
}

using ModelCompiler.Format;

namespace ModelCompiler.Onnx;

/// <summary>Nothing: QDQ graphs carry float values between their Q/DQ pairs already.</summary>
internal sealed class DequantizeExport : LayerExport<DequantizeLayer>
{
    protected override string Export(LayerExportContext context, DequantizeLayer layer) => context.Input;
}

using ModelCompiler.Format;

namespace ModelCompiler.Onnx;

/// <summary>A Q/DQ pair with the layer's quantization in a QDQ graph; nothing in a float graph.</summary>
internal sealed class QuantizeExport : LayerExport<QuantizeLayer>
{
    protected override string Export(LayerExportContext context, QuantizeLayer layer) =>
        context.Qdq ? context.Graph.QuantizeDequantize(context.Input, layer.Output, layer.Name) : context.Input;
}

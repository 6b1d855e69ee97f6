namespace ModelCompiler.Onnx;

/// <summary>Which ONNX graph to write for a <c>.qmodel</c>.</summary>
public enum OnnxExportKind
{
    /// <summary>Float32 throughout: int8 weights dequantized, no Q/DQ nodes. The float peer.</summary>
    Float,

    /// <summary>
    /// QDQ: int8 per-channel weights and int32 biases behind DequantizeLinear, QuantizeLinear/DequantizeLinear pairs
    /// (uint8, zero point shifted by 128) on every int8 activation with the file's scales, so ONNX Runtime fuses the
    /// graph into QLinearConv/QGemm and runs the same quantized model.
    /// </summary>
    QuantizedQdq,
}

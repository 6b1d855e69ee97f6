namespace ModelCompiler.Import;

/// <summary>
/// How a source model lays out 4-D tensors. The IR keeps the source's layout; mapping into <c>.qmodel</c> (NHWC
/// activations, OIHW weights) permutes.
/// </summary>
public enum TensorLayout
{
    /// <summary>
    /// TFLite: activations <c>[N, H, W, C]</c>; CONV_2D filters <c>[O, KH, KW, I]</c> (OHWI); DEPTHWISE_CONV_2D filters
    /// <c>[1, KH, KW, C * multiplier]</c>; FULLY_CONNECTED weights <c>[units, inputs]</c>; per-channel quantization on
    /// axis 0 for CONV_2D and FULLY_CONNECTED and axis 3 for DEPTHWISE_CONV_2D.
    /// </summary>
    Nhwc,

    /// <summary>
    /// ONNX: activations <c>[N, C, H, W]</c>; Conv weights <c>[O, I / group, KH, KW]</c> (OIHW, depthwise:
    /// <c>[C * multiplier, 1, KH, KW]</c>); Gemm <c>B</c> as <c>[K, N]</c>, or <c>[N, K]</c> with <c>transB = 1</c>
    /// (PyTorch's Linear); MatMul's second input <c>[K, N]</c>; per-channel quantization on the axis the
    /// QuantizeLinear/DequantizeLinear node names (0 for Conv weights).
    /// </summary>
    Nchw,
}

namespace ModelCompiler.Import.Validation;

/// <summary>The operators issue 13 imports, by source format. Anything else is refused by name.</summary>
public static class SupportedOperators
{
    public static readonly IReadOnlySet<string> Tflite = new SortedSet<string>(StringComparer.Ordinal)
    {
        "QUANTIZE", "DEQUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "AVERAGE_POOL_2D",
        "MAX_POOL_2D", "MEAN", "RESHAPE", "SOFTMAX",
    };

    public static readonly IReadOnlySet<string> Onnx = new SortedSet<string>(StringComparer.Ordinal)
    {
        "QuantizeLinear", "DequantizeLinear", "Conv", "BatchNormalization", "Relu", "Clip", "MaxPool", "AveragePool",
        "GlobalAveragePool", "Flatten", "Reshape", "Gemm", "MatMul", "Add", "Softmax", "Pad", "Identity", "Transpose",
    };

    public static IReadOnlySet<string> For(SourceFormat format) => format == SourceFormat.Tflite ? Tflite : Onnx;

    /// <summary>
    /// Inputs that hold parameters and must be constants in the file (directly, or through QuantizeLinear /
    /// DequantizeLinear / Identity of constants as QDQ files store weights), by operator type.
    /// </summary>
    public static IReadOnlyList<int> ParameterInputs(string type) => type switch
    {
        "CONV_2D" or "DEPTHWISE_CONV_2D" or "FULLY_CONNECTED" or "Conv" or "Gemm" => [1, 2],
        "MatMul" => [1],
        "BatchNormalization" => [1, 2, 3, 4],
        "RESHAPE" or "Reshape" or "MEAN" => [1],
        "Clip" or "Pad" or "QuantizeLinear" or "DequantizeLinear" => [1, 2],
        _ => [],
    };
}

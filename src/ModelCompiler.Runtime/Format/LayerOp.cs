namespace ModelCompiler.Format;

/// <summary>Operators a <c>.qmodel</c> can hold (their words, attributes and rules: <see cref="OperatorCatalog"/>).</summary>
public enum LayerOp
{
    Conv2D,
    MaxPool2D,
    AveragePool2D,
    GlobalAveragePool,
    Dense,
    Flatten,
    Pad,
    Softmax,
    Quantize,
    Dequantize,

    /// <summary>Depthwise 2-D convolution, depth multiplier 1 (format version 2).</summary>
    DepthwiseConv2D,

    /// <summary>Element-wise addition of two tensors of one shape (format version 2).</summary>
    Add,
}

namespace ModelCompiler.Format;

/// <summary>Operators a v1 <c>.qmodel</c> can hold (their words, attributes and rules: <see cref="OperatorCatalog"/>).</summary>
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
}

namespace ModelCompiler.Format;

/// <summary>What flows between two layers: its shape, element type and, for int8, its quantization.</summary>
public readonly record struct TensorInfo(TensorShape Shape, ElementKind Kind, QuantParams? Quant);

namespace ModelCompiler.Format;

/// <summary>Per-tensor affine quantization of an int8 tensor: real = scale * (q - zeroPoint).</summary>
public readonly record struct QuantParams(float Scale, int ZeroPoint);

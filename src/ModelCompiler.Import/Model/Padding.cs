namespace ModelCompiler.Import;

/// <summary>How a convolution or pool pads its input.</summary>
public enum PaddingKind
{
    /// <summary>TensorFlow's SAME (ONNX <c>auto_pad = SAME_UPPER</c>): output = ⌈in / stride⌉, the odd extra row or column after.</summary>
    Same,

    /// <summary>No padding: output = ⌊(in − kernel) / stride⌋ + 1.</summary>
    Valid,

    /// <summary>Explicit amounts per side (ONNX <c>pads</c>).</summary>
    Explicit,
}

/// <summary>A padding rule; the four amounts are only meaningful for <see cref="PaddingKind.Explicit"/>.</summary>
public readonly record struct Padding(PaddingKind Kind, int Top, int Left, int Bottom, int Right)
{
    public static Padding Same => new(PaddingKind.Same, 0, 0, 0, 0);

    public static Padding Valid => new(PaddingKind.Valid, 0, 0, 0, 0);

    public override string ToString() =>
        Kind == PaddingKind.Explicit ? $"pads top={Top} left={Left} bottom={Bottom} right={Right}" : Kind.ToString().ToUpperInvariant();
}

namespace ModelCompiler.Interpreter;

/// <summary>
/// What one inference returns. <see cref="Int8Output"/> and <see cref="Scores"/> are the model's pre-softmax output,
/// the part generated code must reproduce bit for bit; <see cref="Probabilities"/> is informative only.
/// </summary>
public sealed class InferenceResult(int argMax, string label, sbyte[]? int8Output, float[] scores, float[] probabilities)
{
    /// <summary>Index of the first maximum of the pre-softmax output.</summary>
    public int ArgMax { get; } = argMax;

    /// <summary>The model's label for <see cref="ArgMax"/>.</summary>
    public string Label { get; } = label;

    /// <summary>The raw int8 output when the last tensor before softmax is int8; null when it is float32.</summary>
    public sbyte[]? Int8Output { get; } = int8Output;

    /// <summary>The pre-softmax output as float32: dequantized <see cref="Int8Output"/>, or the float logits.</summary>
    public float[] Scores { get; } = scores;

    /// <summary>Softmax of <see cref="Scores"/> (computed whether or not the model ends with a softmax layer).</summary>
    public float[] Probabilities { get; } = probabilities;
}

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>
/// One way of running a model at batch 1. The input is handed over once with <see cref="SetInput"/> (converted to
/// the engine's own layout there, outside the timed call); <see cref="Predict"/> runs the whole network on it.
/// </summary>
public interface IInferenceEngine : IDisposable
{
    /// <summary>Preprocessed floats (pixel * scale + offset) in the model's input layout (<c>QModel.InputLayout</c>).</summary>
    void SetInput(ReadOnlySpan<float> input);

    /// <summary>The class index for the current input.</summary>
    int Predict();

    /// <summary>The class probabilities for the current input (not timed; for the agreement check).</summary>
    float[] Probabilities();
}

using ModelCompiler.Format;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>The reference interpreter on the same .qmodel.</summary>
public sealed class InterpreterEngine(QModel model) : IInferenceEngine
{
    private readonly ReferenceInterpreter interpreter = new(model);
    private readonly float[] input = new float[model.InputShape.Length];

    public void SetInput(ReadOnlySpan<float> values) => values.CopyTo(input);

    public int Predict() => interpreter.Run(input).ArgMax;

    public float[] Probabilities() => interpreter.Run(input).Probabilities;

    public void Dispose()
    {
    }
}

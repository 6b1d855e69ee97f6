namespace ModelCompiler.Benchmarks.Engines;

/// <summary>The generated <c>Predict(ReadOnlySpan&lt;float&gt;)</c> overload.</summary>
public delegate int GeneratedPredict(ReadOnlySpan<float> input);

/// <summary>The generated <c>PredictProbabilities(ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;)</c>.</summary>
public delegate void GeneratedProbabilities(ReadOnlySpan<float> input, Span<float> probabilities);

/// <summary>The generated <c>PredictBatch(ReadOnlyMemory&lt;float&gt;, Memory&lt;int&gt;, int maxDegreeOfParallelism)</c>.</summary>
public delegate void GeneratedBatchPredict(ReadOnlyMemory<float> inputs, Memory<int> predictions, int maxDegreeOfParallelism);

/// <summary>The model's generated class, called through delegates so one engine type serves every model.</summary>
public sealed class GeneratedEngine(GeneratedPredict predict, GeneratedProbabilities probabilities, int inputLength, int classCount)
    : IInferenceEngine
{
    private readonly float[] input = new float[inputLength];

    public void SetInput(ReadOnlySpan<float> values) => values.CopyTo(input);

    public int Predict() => predict(input);

    public float[] Probabilities()
    {
        var result = new float[classCount];
        probabilities(input, result);
        return result;
    }

    public void Dispose()
    {
    }
}

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>Index of the first maximum, as the generated code and the interpreter define the predicted class.</summary>
public static class ArgMax
{
    public static int Of(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

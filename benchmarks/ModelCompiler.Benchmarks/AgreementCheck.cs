using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>How far one engine's answers are from the reference interpreter's on the same inputs.</summary>
public sealed record EngineAgreement(EngineKind Engine, int SameClass, int Inputs, float MaxProbabilityDifference);

/// <summary>
/// Before anything is timed, every engine runs the same inputs so that a broken engine (wrong layout, wrong weights)
/// cannot produce a fast but meaningless number. The generated code must match the interpreter exactly (the
/// generator's tests prove bit-exactness; this guards the build); ONNX Runtime int8 rounds differently in places;
/// the float peers differ from int8 by the quantization error, and from each other by float rounding only.
/// </summary>
public static class AgreementCheck
{
    public static (IReadOnlyList<EngineAgreement> VersusInterpreter, float FloatPeersMaxDifference) Run(BenchmarkModel model, int inputs)
    {
        var outputs = new Dictionary<EngineKind, float[][]>();
        foreach (var kind in Enum.GetValues<EngineKind>())
        {
            using var engine = model.CreateEngine(kind);
            outputs[kind] = Enumerable.Range(0, inputs).Select(i =>
            {
                engine.SetInput(model.Input(seed: 1000 + i));
                return engine.Probabilities();
            }).ToArray();
        }

        var reference = outputs[EngineKind.Interpreter];
        var agreements = outputs.Where(o => o.Key != EngineKind.Interpreter)
            .Select(o => new EngineAgreement(
                o.Key,
                Enumerable.Range(0, inputs).Count(i => ArgMax.Of(o.Value[i]) == ArgMax.Of(reference[i])),
                inputs,
                MaxDifference(o.Value, reference)))
            .ToList();
        return (agreements, MaxDifference(outputs[EngineKind.OrtFloat], outputs[EngineKind.TorchFloat]));
    }

    private static float MaxDifference(float[][] a, float[][] b)
    {
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < a[i].Length; j++)
            {
                max = Math.Max(max, Math.Abs(a[i][j] - b[i][j]));
            }
        }

        return max;
    }
}

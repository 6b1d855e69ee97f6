using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>One line of a model's table and one entry of bench.json. Ratio = median / the generated code's median.</summary>
public sealed record ReportRow(BenchmarkModel Model, EngineKind Engine, double MedianMicroseconds, double Ratio, long? AllocatedBytes, MemoryFigures? Memory)
{
    public static IReadOnlyList<ReportRow> From(IReadOnlyList<EngineResult> results, IReadOnlyDictionary<(BenchmarkModel, EngineKind), MemoryFigures?> memory)
    {
        var rows = new List<ReportRow>();
        foreach (var group in results.GroupBy(r => r.Model))
        {
            var generated = group.FirstOrDefault(r => r.Engine == EngineKind.Generated);
            foreach (var result in group.OrderBy(r => r.Engine))
            {
                double ratio = generated is null ? double.NaN : result.MedianNanoseconds / generated.MedianNanoseconds;
                rows.Add(new ReportRow(
                    group.Key, result.Engine, result.MedianNanoseconds / 1000, ratio, result.AllocatedBytes,
                    memory.GetValueOrDefault((group.Key, result.Engine))));
            }
        }

        return rows;
    }
}

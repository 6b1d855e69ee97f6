using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>The console tables (one per model) and the JSON files: bench.json (one entry per engine and model) and bench-models.json (what was checked).</summary>
public static class BenchmarkReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Tables(IReadOnlyList<ReportRow> rows, IReadOnlyList<ModelFacts> facts)
    {
        var text = new StringBuilder();
        foreach (var fact in facts)
        {
            var model = fact.Model;
            text.AppendLine();
            text.AppendLine($"{model.Key}: {model.SourcePath} ({(model.IsSynthetic ? "random-weight stand-in" : "trained")})");
            text.AppendLine($"  batch 1, one thread; generated arena {model.ArenaBytes:N0} bytes per thread; ORT int8 graph "
                + (fact.Fusion.FullyFused ? "fully fused (no float Conv/Gemm left)" : "NOT fully fused: float " + string.Join(", ", fact.Fusion.FloatComputeOps) + " left"));
            text.AppendLine($"  {"engine",-24} {"median",12} {"ratio",8} {"alloc/op",10} {"peak WS",9} {"WS predicting",14}");
            foreach (var row in rows.Where(r => r.Model == model))
            {
                text.AppendLine($"  {row.Engine.Title(),-24} {Micros(row.MedianMicroseconds),12} {Ratio(row.Ratio),8} {Bytes(row.AllocatedBytes),10} {Megabytes(row.Memory?.PeakBytes),9} {Megabytes(row.Memory?.PredictingBytes),14}");
            }

            text.AppendLine("  ratio = median / generated median (above 1: slower than the generated code); WS = working set of a process running");
            text.AppendLine($"  only that engine: peak over the whole run (setup included), and while predicting. Bare program: {Megabytes(fact.BareProgram?.PeakBytes)}.");
        }

        return text.ToString();
    }

    public static string Agreement(ModelFacts fact)
    {
        var text = new StringBuilder($"{fact.Model.Key}: against the reference interpreter on {fact.Agreement.FirstOrDefault()?.Inputs ?? 0} inputs:");
        foreach (var a in fact.Agreement)
        {
            text.Append(CultureInfo.InvariantCulture, $" {a.Engine.Id()} same class {a.SameClass}/{a.Inputs}, max |dp| {a.MaxProbabilityDifference:G3};");
        }

        text.Append(CultureInfo.InvariantCulture, $" ORT float vs TorchSharp max |dp| {fact.FloatPeersMaxDifference:G3}");
        return text.ToString();
    }

    public static void WriteJson(string directory, IReadOnlyList<ReportRow> rows, IReadOnlyList<ModelFacts> facts)
    {
        var bench = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["engine"] = r.Engine.Id(),
            ["model"] = r.Model.Key,
            ["median_us"] = Math.Round(r.MedianMicroseconds, 3),
            ["ratio"] = Math.Round(r.Ratio, 3),
            ["allocated_bytes_per_op"] = r.AllocatedBytes,
            ["peak_working_set_mb"] = Megabytes1(r.Memory?.PeakBytes),
            ["predicting_working_set_mb"] = Megabytes1(r.Memory?.PredictingBytes),
        }).ToArray());
        AtomicText.Write(Path.Combine(directory, "bench.json"), bench.ToJsonString(Indented));

        var models = new JsonArray(facts.Select(f => (JsonNode)new JsonObject
        {
            ["model"] = f.Model.Key,
            ["file"] = f.Model.SourcePath,
            ["synthetic"] = f.Model.IsSynthetic,
            ["arena_bytes"] = f.Model.ArenaBytes,
            ["ort_int8_fully_fused"] = f.Fusion.FullyFused,
            ["ort_int8_float_compute_ops_left"] = new JsonArray(f.Fusion.FloatComputeOps.Select(op => (JsonNode)JsonValue.Create(op)).ToArray()),
            ["ort_int8_optimized_ops"] = new JsonObject(f.Fusion.OpCounts.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["agreement_with_interpreter"] = new JsonArray(f.Agreement.Select(a => (JsonNode)new JsonObject
            {
                ["engine"] = a.Engine.Id(),
                ["same_class"] = a.SameClass,
                ["inputs"] = a.Inputs,
                ["max_probability_difference"] = a.MaxProbabilityDifference,
            }).ToArray()),
            ["float_peers_max_probability_difference"] = f.FloatPeersMaxDifference,
            ["bare_program_peak_working_set_mb"] = Megabytes1(f.BareProgram?.PeakBytes),
        }).ToArray());
        AtomicText.Write(Path.Combine(directory, "bench-models.json"), models.ToJsonString(Indented));
    }

    private static double? Megabytes1(long? bytes) => bytes is { } b ? Math.Round(b / 1048576.0, 1) : null;

    private static string Micros(double value) => value.ToString(value < 100 ? "N2" : "N0", CultureInfo.InvariantCulture) + " us";

    private static string Ratio(double value) => double.IsNaN(value) ? "-" : value.ToString(value < 10 ? "N2" : "N1", CultureInfo.InvariantCulture);

    private static string Bytes(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) + " B" : "-";

    private static string Megabytes(long? value) => value is { } v ? (v / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MB" : "-";
}

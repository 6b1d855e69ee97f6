using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// The console tables (one per model, the batch throughput, the memory summary) and the JSON files: bench.json (one
/// entry per engine and model, then the batch entries) and bench-models.json (what was checked).
/// </summary>
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

    /// <summary>PredictBatch throughput per model and thread cap, with the speed-up over one thread.</summary>
    public static string Batches(IReadOnlyList<BatchResult> batches)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"generated PredictBatch, {BatchThroughput.Images} images a call (threads = its maxDegreeOfParallelism; {Environment.ProcessorCount} cores, load average {LoadAverage.Now()}):");
        text.AppendLine($"  {"model",-12} {"threads",7} {"median",12} {"images/s",10} {"vs 1 thread",12} {"alloc/call",11}");
        foreach (var batch in batches.OrderBy(b => BenchmarkModel.All.ToList().IndexOf(b.Model)).ThenBy(b => b.Threads))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {batch.Model.Key,-12} {batch.Threads,7} {Millis(batch.MedianNanoseconds),12} {batch.ImagesPerSecond,10:N0} {Ratio(batch.SpeedupOver(batches)) + "x",12} {Bytes(batch.AllocatedBytes),11}");
        }

        text.AppendLine("  target: 2 threads >= 1.80x the single-thread throughput (needs both cores free of other work); alloc/call is");
        text.AppendLine("  BenchmarkDotNet's count over all threads, its own and the runtime's background work included (a cap-1 batch");
        text.AppendLine("  allocates nothing on its thread, BatchAllocationTests).");
        return text.ToString();
    }

    /// <summary>The generated code's memory per model: arena, working sets, Native AOT binary.</summary>
    public static string Memory(IReadOnlyList<ReportRow> rows, IReadOnlyDictionary<BenchmarkModel, AotBinary> aot)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("memory of the generated code:");
        text.AppendLine($"  {"model",-12} {"arena/thread",13} {"peak WS",9} {"WS predicting",14} {"AOT binary",11}");
        foreach (var model in BenchmarkModel.All)
        {
            var generated = rows.FirstOrDefault(r => r.Model == model && r.Engine == EngineKind.Generated);
            var binary = aot.GetValueOrDefault(model);
            string size = binary is null ? "-" : (binary.Bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture) + " MB";
            text.AppendLine($"  {model.Key,-12} {Bytes(model.ArenaBytes),13} {Megabytes(generated?.Memory?.PeakBytes),9} {Megabytes(generated?.Memory?.PredictingBytes),14} {size,11}"
                + (binary is null ? string.Empty : $"  ({binary.Bytes:N0} B, {binary.Path})"));
        }

        text.AppendLine("  arena: the generated ArenaBytes, one per thread that has predicted; WS: a process that loads only the generated");
        text.AppendLine("  code (see the tables above); AOT binary: the sample published by run.sh with PublishAot (- when not published).");
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

    /// <summary>
    /// bench.json: one entry per engine and model (batch 1, one thread; the generated entries also carry the arena and
    /// the Native AOT binary size), then one "generated-batch" entry per model and thread cap.
    /// </summary>
    public static void WriteJson(string directory, IReadOnlyList<ReportRow> rows, IReadOnlyList<BatchResult> batches, IReadOnlyDictionary<BenchmarkModel, AotBinary> aot, IReadOnlyList<ModelFacts> facts)
    {
        var bench = new JsonArray(rows.Select(r =>
        {
            var entry = new JsonObject
            {
                ["engine"] = r.Engine.Id(),
                ["model"] = r.Model.Key,
                ["median_us"] = Math.Round(r.MedianMicroseconds, 3),
                ["ratio"] = Math.Round(r.Ratio, 3),
                ["allocated_bytes_per_op"] = r.AllocatedBytes,
                ["peak_working_set_mb"] = Megabytes1(r.Memory?.PeakBytes),
                ["predicting_working_set_mb"] = Megabytes1(r.Memory?.PredictingBytes),
            };
            if (r.Engine == EngineKind.Generated)
            {
                entry["arena_bytes"] = r.Model.ArenaBytes;
                entry["aot_binary_bytes"] = aot.GetValueOrDefault(r.Model)?.Bytes;
            }

            return (JsonNode)entry;
        }).Concat(batches.Select(b => (JsonNode)new JsonObject
        {
            ["engine"] = "generated-batch",
            ["model"] = b.Model.Key,
            ["batch"] = BatchThroughput.Images,
            ["threads"] = b.Threads,
            ["median_us"] = Math.Round(b.MedianNanoseconds / 1000, 1),
            ["images_per_second"] = Math.Round(b.ImagesPerSecond, 1),
            ["speedup_over_1_thread"] = double.IsNaN(b.SpeedupOver(batches)) ? null : Math.Round(b.SpeedupOver(batches), 3),
            ["allocated_bytes_per_op"] = b.AllocatedBytes,
        })).ToArray());
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

    private static string Millis(double nanoseconds) => (nanoseconds / 1e6).ToString("N2", CultureInfo.InvariantCulture) + " ms";

    private static string Micros(double value) => value.ToString(value < 100 ? "N2" : "N0", CultureInfo.InvariantCulture) + " us";

    private static string Ratio(double value) => double.IsNaN(value) ? "-" : value.ToString(value < 10 ? "N2" : "N1", CultureInfo.InvariantCulture);

    private static string Bytes(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) + " B" : "-";

    private static string Megabytes(long? value) => value is { } v ? (v / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MB" : "-";
}

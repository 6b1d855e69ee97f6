using System.Globalization;
using System.Text;
using BenchmarkDotNet.Running;
using ModelCompiler.Benchmarks.Engines;
using ModelCompiler.Imaging;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// The imported MobileNetV2's side-by-side table (issue 13): first every engine labels TensorFlow's test photograph
/// (a wrong layout or weights would show there, not as a fast number), and ONNX Runtime's int8 graph must be fully
/// fused; then <see cref="ImportedModelLatency"/> times them.
/// </summary>
public static class ImportedModelRun
{
    private const string Photo = "grace_hopper.bmp";

    public static string Run(string artifactsDirectory)
    {
        var model = BenchmarkModel.Imported;
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"{model.Key}: {model.SourcePath}, {model.Model.Layers.Count} layers");
        var fusion = OnnxFusionCheck.Run(model);
        text.AppendLine("  ORT int8 graph " + (fusion.FullyFused
            ? "fully fused (no float Conv/Gemm/Add left): " + string.Join(", ", fusion.OpCounts.Select(c => $"{c.Key} {c.Value}"))
            : "NOT fully fused: float " + string.Join(", ", fusion.FloatComputeOps) + " left"));

        float[] photo = PhotoInput(model);
        var labels = new List<string>();
        foreach (var kind in new[] { EngineKind.Generated, EngineKind.OrtInt8, EngineKind.OrtFloat })
        {
            using var engine = model.CreateEngine(kind);
            engine.SetInput(photo);
            labels.Add($"{kind.Title()} '{model.Model.Labels[engine.Predict()]}'");
        }

        text.AppendLine($"  {Photo}: {string.Join(", ", labels)}");

        var summary = BenchmarkRunner.Run<ImportedModelLatency>(SideBySideRun.Config(artifactsDirectory, "imported-batch1-1thread"));
        var medians = new Dictionary<EngineKind, double>();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is { } statistics)
            {
                medians[SideBySide.EngineOf(report.BenchmarkCase.Descriptor.WorkloadMethod.Name)] = statistics.Median;
            }
        }

        text.AppendLine($"  batch 1, one thread ({Environment.ProcessorCount} cores, load average {LoadAverage.Now()}):");
        text.AppendLine($"  {"engine",-24} {"median",12} {"ratio",8}");
        double generated = medians.GetValueOrDefault(EngineKind.Generated, double.NaN);
        foreach (var (kind, median) in medians.OrderBy(m => m.Key))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {kind.Title(),-24} {median / 1e3,9:N0} us {median / generated,8:N2}");
        }

        text.AppendLine("  ratio = median / generated median (above 1: slower than the generated code). Target (issue 13): ORT int8 >= 1.30.");
        var integerEngines = medians.Where(m => m.Key is EngineKind.Generated or EngineKind.OrtInt8).OrderBy(m => m.Key);
        text.Append(MultiplyCeiling.Against(model.StepTiming!.Macs.Sum(), integerEngines.Select(m => (m.Key, m.Value / 1e3))));
        return text.ToString();
    }

    /// <summary>The photograph as the model takes it: RGB resized to its input without a crop, then its preprocessing.</summary>
    private static float[] PhotoInput(BenchmarkModel model)
    {
        var shape = model.Model.InputShape;
        var pixels = ImageFile.ReadResized(Path.Combine(AppContext.BaseDirectory, "Models", Photo), shape.Height, shape.Width, shape.Channels).Pixels;
        var input = new float[pixels.Length];
        model.Model.Preprocessing.Apply(pixels, input);
        return input;
    }
}

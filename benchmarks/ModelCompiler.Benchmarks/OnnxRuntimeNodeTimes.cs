using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ModelCompiler.Benchmarks.Engines;
using ModelCompiler.Onnx;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// Where ONNX Runtime's int8 time goes, to set beside <see cref="LayerTimes"/>: the model's fused QDQ export run with
/// ONNX Runtime's own profiler (the timed sessions' options, one thread) and the median of each node's kernel time.
/// The profiler adds a little to every node, so read the column against the generated steps, not against the
/// end-to-end tables.
/// </summary>
public static class OnnxRuntimeNodeTimes
{
    public static string Run(BenchmarkModel model, int calls)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"ort-profile-{Environment.ProcessId}-{model.Key}");
        string profile;
        using (var options = OnnxRuntimeEngine.SingleThreadOptions())
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = prefix;
            using var session = new InferenceSession(OnnxExporter.Export(model.Model, OnnxExportKind.QuantizedQdq).ToByteArray(), options);
            var shape = model.Model.InputShape;
            var input = new float[shape.Length];
            InputLayouts.ToNchw(model.Model, model.Input(seed: 1), input);
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, shape.Channels, shape.Height, shape.Width]);
            using var runOptions = new RunOptions();
            for (int i = 0; i < calls; i++)
            {
                using var outputs = session.Run(runOptions, [OnnxRuntimeEngine.InputName], [inputValue], [OnnxRuntimeEngine.OutputName]);
            }

            profile = session.EndProfiling();
        }

        var durations = new Dictionary<string, (string Op, List<long> Micros)>();
        var order = new List<string>();
        using (var document = JsonDocument.Parse(File.ReadAllText(profile)))
        {
            foreach (var e in document.RootElement.EnumerateArray())
            {
                if (e.GetProperty("cat").GetString() != "Node" || !e.TryGetProperty("dur", out var dur))
                {
                    continue;
                }

                string name = e.GetProperty("name").GetString() ?? "";
                if (!name.EndsWith("_kernel_time", StringComparison.Ordinal))
                {
                    continue;
                }

                name = name[..^"_kernel_time".Length];
                string op = e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var opName) ? opName.GetString() ?? "" : "";
                if (!durations.TryGetValue(name, out var entry))
                {
                    entry = (op, []);
                    durations[name] = entry;
                    order.Add(name);
                }

                entry.Micros.Add(dur.GetInt64());
            }
        }

        File.Delete(profile);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{model.Key}: ONNX Runtime int8 per-node median kernel time over {calls} profiled runs, one thread (load average {LoadAverage.Now()}):");
        text.AppendLine($"  {"node",-40} {"op",-22} {"median",10}");
        double total = 0;
        foreach (string name in order)
        {
            var (op, micros) = durations[name];
            micros.Sort();
            double median = micros[micros.Count / 2];
            total += median;
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Shorten(name),-40} {op,-22} {median,7:N0} us");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {"sum of node medians",-40} {"",-22} {total,7:N0} us");
        return text.ToString();
    }

    private static string Shorten(string name) => name.Length <= 40 ? name : name[..37] + "...";
}

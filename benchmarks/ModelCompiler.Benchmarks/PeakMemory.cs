using System.Diagnostics;
using System.Globalization;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// Memory of one engine for one model, measured in a fresh process so that it holds that engine's libraries and
/// buffers and nothing of the others': the peak working set over the whole run (VmHWM: loading, graph
/// optimization, weight conversion) and the peak while predicting (VmHWM reset through /proc/self/clear_refs after
/// setup and a full garbage collection). "none" measures the bare program.
/// </summary>
public static class PeakMemory
{
    public const string Command = "peak-memory";
    private const string Prefix = "working_set_bytes ";

    /// <summary>Runs in the child: loads the engine, predicts, prints both peaks.</summary>
    public static void Measure(BenchmarkModel model, EngineKind? kind)
    {
        using var engine = kind is { } engineKind ? model.CreateEngine(engineKind) : null;
        engine?.SetInput(model.Input(seed: 1));
        engine?.Predict();
        long setupPeak = Peak();
        model.ReleaseModel();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        File.WriteAllText("/proc/self/clear_refs", "5");
        for (int i = 0; i < 20; i++)
        {
            engine?.Predict();
        }

        long predictingPeak = Peak();
        long wholeRun = Math.Max(setupPeak, predictingPeak);
        Console.WriteLine(Prefix + wholeRun.ToString(CultureInfo.InvariantCulture) + " " + predictingPeak.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Starts this program as a child for one measurement; null if it failed.</summary>
    public static MemoryFigures? InChild(BenchmarkModel model, EngineKind? kind)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("no process path"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { Command, "--model", model.Key, "--engine", kind?.Id() ?? "none" })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the measuring process");
        string output = child.StandardOutput.ReadToEnd();
        string errors = child.StandardError.ReadToEnd();
        child.WaitForExit();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            Console.Error.WriteLine($"peak memory of {kind?.Id() ?? "none"} on {model.Key} not measured (exit {child.ExitCode}): {errors.Trim()}");
            return null;
        }

        long[] values = line[Prefix.Length..].Trim().Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new MemoryFigures(values[0], values[1]);
    }

    private static long Peak()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}

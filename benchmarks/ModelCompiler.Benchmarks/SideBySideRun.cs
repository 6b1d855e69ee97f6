using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BenchmarkDotNet.Validators;
using Perfolizer.Horology;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>One engine's measurement on one model.</summary>
public sealed record EngineResult(BenchmarkModel Model, EngineKind Engine, double MedianNanoseconds, long? AllocatedBytes);

/// <summary>
/// Runs <see cref="SideBySide"/> with BenchmarkDotNet and returns the medians. In-process (no per-benchmark project
/// build and copy of libtorch's 480 MB), one launch, 3 warm-up and 21 measured iterations of ~200 ms: about two
/// minutes for everything on 2 cores.
/// </summary>
public static class SideBySideRun
{
    public static IReadOnlyList<EngineResult> Run(string artifactsDirectory)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(21)
            .WithIterationTime(TimeInterval.FromMilliseconds(200))
            // Every call takes microseconds to milliseconds: unrolling would only stretch the slow engines' iterations.
            .WithUnrollFactor(1)
            .WithId("batch1-1thread");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default)
            .AddValidator(JitOptimizationsValidator.FailOnError)
            .AddLogger(new ProgressLogger())
            .WithArtifactsPath(artifactsDirectory);

        var summary = BenchmarkRunner.Run<SideBySide>(config);
        var results = new List<EngineResult>();
        foreach (var report in summary.Reports)
        {
            var benchmark = report.BenchmarkCase;
            string modelKey = (string)benchmark.Parameters[nameof(SideBySide.Model)];
            var engine = SideBySide.EngineOf(benchmark.Descriptor.WorkloadMethod.Name);
            if (report.ResultStatistics is not { } statistics)
            {
                Console.Error.WriteLine($"{engine.Title()} on {modelKey}: no result (see the log in {artifactsDirectory})");
                continue;
            }

            long allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmark) ?? -1;
            results.Add(new EngineResult(BenchmarkModel.Find(modelKey), engine, statistics.Median, allocated >= 0 ? allocated : null));
        }

        return results;
    }
}

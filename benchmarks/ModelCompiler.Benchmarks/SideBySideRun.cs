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
/// Runs <see cref="SideBySide"/> (and <see cref="BatchThroughput"/>) with BenchmarkDotNet and returns the medians. In-process (no per-benchmark project
/// build and copy of libtorch's 480 MB), one launch, 3 warm-up and 21 measured iterations of ~200 ms: about two
/// minutes for everything on 2 cores.
/// </summary>
public static class SideBySideRun
{
    public static IReadOnlyList<EngineResult> Run(string artifactsDirectory)
    {
        var summary = BenchmarkRunner.Run<SideBySide>(Config(artifactsDirectory, "batch1-1thread"));
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

    /// <summary>
    /// The generated PredictBatch on 256 images at 1 and 2 threads (<see cref="BatchThroughput"/>): the same job with
    /// 15 iterations, and one call an iteration when a batch takes longer than an iteration (intel-cnn).
    /// </summary>
    public static IReadOnlyList<BatchResult> RunBatches(string artifactsDirectory)
    {
        var summary = BenchmarkRunner.Run<BatchThroughput>(Config(artifactsDirectory, "batch256", iterations: 15, minimumCallsPerIteration: 1));
        var results = new List<BatchResult>();
        foreach (var report in summary.Reports)
        {
            var benchmark = report.BenchmarkCase;
            string modelKey = (string)benchmark.Parameters[nameof(BatchThroughput.Model)];
            int threads = (int)benchmark.Parameters[nameof(BatchThroughput.Threads)];
            if (report.ResultStatistics is not { } statistics)
            {
                Console.Error.WriteLine($"PredictBatch on {modelKey}, {threads} threads: no result (see the log in {artifactsDirectory})");
                continue;
            }

            long allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmark) ?? -1;
            results.Add(new BatchResult(BenchmarkModel.Find(modelKey), threads, statistics.Median, allocated >= 0 ? allocated : null));
        }

        return results;
    }

    /// <summary>One image at 1 and 2 intra-op threads for the generated code and ONNX Runtime int8 and float (<see cref="IntraOpLatency"/>).</summary>
    public static IReadOnlyList<IntraOpResult> RunIntraOp(string artifactsDirectory)
    {
        var summary = BenchmarkRunner.Run<IntraOpLatency>(Config(artifactsDirectory, "batch1-intraop"));
        var results = new List<IntraOpResult>();
        foreach (var report in summary.Reports)
        {
            var benchmark = report.BenchmarkCase;
            string modelKey = (string)benchmark.Parameters[nameof(IntraOpLatency.Model)];
            int threads = (int)benchmark.Parameters[nameof(IntraOpLatency.Threads)];
            var engine = SideBySide.EngineOf(benchmark.Descriptor.WorkloadMethod.Name);
            if (report.ResultStatistics is not { } statistics)
            {
                Console.Error.WriteLine($"{engine.Title()} on {modelKey}, {threads} intra-op threads: no result (see the log in {artifactsDirectory})");
                continue;
            }

            results.Add(new IntraOpResult(BenchmarkModel.Find(modelKey), engine, threads, statistics.Median));
        }

        return results;
    }

    /// <summary>
    /// The job: in-process, 3 warm-up iterations, ~200 ms iterations. BenchmarkDotNet calls a benchmark at least 4
    /// times an iteration by default; a 256-image intel-cnn batch takes about a second, so the batch job allows 1.
    /// </summary>
    public static IConfig Config(string artifactsDirectory, string jobId, int iterations = 21, int minimumCallsPerIteration = 4)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(iterations)
            .WithMinInvokeCount(minimumCallsPerIteration)
            .WithIterationTime(TimeInterval.FromMilliseconds(200))
            // Every call takes microseconds to milliseconds: unrolling would only stretch the slow engines' iterations.
            .WithUnrollFactor(1)
            .WithId(jobId);
        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default)
            .AddValidator(JitOptimizationsValidator.FailOnError)
            .AddLogger(new ProgressLogger())
            .WithArtifactsPath(artifactsDirectory);
    }
}

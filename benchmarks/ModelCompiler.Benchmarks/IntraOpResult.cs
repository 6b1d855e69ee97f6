using System.Globalization;
using System.Text;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>One engine's median for one image on one model at an intra-op thread count.</summary>
public sealed record IntraOpResult(BenchmarkModel Model, EngineKind Engine, int Threads, double MedianNanoseconds)
{
    /// <summary>
    /// The table: per model and thread count, each engine's median, then the generated code's speed-up over its own
    /// single thread and each ONNX Runtime engine's median over the generated one at the same thread count.
    /// </summary>
    public static string Table(IReadOnlyList<IntraOpResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"one image on several threads (generated IntraOpThreads, ONNX Runtime IntraOpNumThreads; {Environment.ProcessorCount} cores, load average {LoadAverage.Now()}):");
        text.AppendLine($"  {"model",-12} {"threads",7} {"generated",11} {"ORT int8",11} {"ORT float",11} {"gen vs 1 thr",13} {"int8/gen",9} {"float/gen",10}");
        foreach (var model in BenchmarkModel.All)
        {
            foreach (int threads in results.Where(r => r.Model == model).Select(r => r.Threads).Distinct().Order())
            {
                double generated = Median(results, model, EngineKind.Generated, threads);
                double int8 = Median(results, model, EngineKind.OrtInt8, threads);
                double single = Median(results, model, EngineKind.Generated, 1);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {model.Key,-12} {threads,7} {Micros(generated),11} {Micros(int8),11} {Micros(Median(results, model, EngineKind.OrtFloat, threads)),11} "
                    + $"{Ratio(single / generated) + "x",13} {Ratio(int8 / generated) + "x",9} {Ratio(Median(results, model, EngineKind.OrtFloat, threads) / generated) + "x",10}"
                    + $"{(threads > 1 && !model.IntraOpSplits ? "  (no layer large enough to split: the 1-thread code; gen vs 1 thr is noise)" : string.Empty)}");
            }
        }

        text.AppendLine("  gen vs 1 thr = generated 1-thread median / this median; int8/gen, float/gen = ONNX Runtime median / generated median at");
        text.AppendLine("  the same thread count (above 1: the generated code is faster). Target (issue 15, intel-cnn, both cores free): 2 threads");
        text.AppendLine("  >= 1.6x its own single thread and >= 1.3x ORT int8 at 2 threads; fashion-cnn never slower at 2 threads than at 1.");
        return text.ToString();
    }

    private static double Median(IReadOnlyList<IntraOpResult> results, BenchmarkModel model, EngineKind engine, int threads) =>
        results.FirstOrDefault(r => r.Model == model && r.Engine == engine && r.Threads == threads)?.MedianNanoseconds ?? double.NaN;

    private static string Micros(double nanoseconds) => double.IsNaN(nanoseconds) ? "-" : (nanoseconds / 1e3).ToString(nanoseconds < 1e5 ? "N2" : "N0", CultureInfo.InvariantCulture) + " us";

    private static string Ratio(double value) => double.IsNaN(value) ? "-" : value.ToString("N2", CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ModelCompiler.Benchmarks;

/// <summary>The generated <c>PredictTimed(ReadOnlySpan&lt;float&gt;, Span&lt;long&gt;)</c> (internal: this assembly compiled the models).</summary>
public delegate int GeneratedPredictTimed(ReadOnlySpan<float> input, Span<long> stepTicks);

/// <summary>A generated class's per-step timing aid: the timed Predict, its stage names and multiply-accumulates.</summary>
public sealed record StepTiming(GeneratedPredictTimed PredictTimed, IReadOnlyList<string> Names, IReadOnlyList<long> Macs);

/// <summary>
/// Where one Predict's time goes (issue 15): the median of each stage (input load, then each generated step) over many
/// calls, with its multiply-accumulates and GMAC/s, at 1 and 2 intra-op threads (alternating in rounds). Stopwatch reads between stages add
/// some tens of nanoseconds each; the sum is printed beside the untimed median of the same calls' total.
/// </summary>
public static class LayerTimes
{
    public static string Run(BenchmarkModel model, int calls)
    {
        var timing = model.StepTiming ?? throw new InvalidOperationException($"{model.Key} has no timing aid");
        var input = model.Input(seed: 1);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"{model.Key}: per-step median of {calls} timed Predict calls ({Environment.ProcessorCount} cores, load average {LoadAverage.Now()}):");
        // The thread counts alternate in rounds (a few warm-up calls each) rather than one after the other, so that a
        // change of load from other processes during the run weighs on both columns alike.
        const int Rounds = 10;
        int[] threadCounts = [1, 2];
        var samples = threadCounts.ToDictionary(t => t, _ => Enumerable.Range(0, timing.Names.Count).Select(_ => new long[calls]).ToArray());
        var ticks = new long[timing.Names.Count];
        foreach (int threads in threadCounts)
        {
            model.SetIntraOpThreads?.Invoke(threads);
            for (int i = 0; i < calls / 10; i++)
            {
                timing.PredictTimed(input, ticks);
            }
        }

        for (int round = 0; round < Rounds; round++)
        {
            foreach (int threads in threadCounts)
            {
                model.SetIntraOpThreads?.Invoke(threads);
                for (int i = 0; i < Math.Max(2, calls / Rounds / 10); i++)
                {
                    timing.PredictTimed(input, ticks);
                }

                for (int call = round * calls / Rounds; call < (round + 1) * calls / Rounds; call++)
                {
                    Array.Clear(ticks);
                    timing.PredictTimed(input, ticks);
                    for (int s = 0; s < ticks.Length; s++)
                    {
                        samples[threads][s][call] = ticks[s];
                    }
                }
            }
        }

        var medians = samples.ToDictionary(pair => pair.Key, pair => pair.Value.Select(Median).ToArray());
        model.SetIntraOpThreads?.Invoke(1);
        text.AppendLine($"  {"stage",-28} {"MACs",12} {"1 thread",10} {"GMAC/s",8} {"2 threads",10} {"GMAC/s",8} {"speed-up",9}");
        for (int s = 0; s < timing.Names.Count; s++)
        {
            double one = medians[1][s], two = medians[2][s];
            long macs = timing.Macs[s];
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {timing.Names[s],-28} {(macs == 0 ? "-" : macs.ToString("N0", CultureInfo.InvariantCulture)),12} {Micros(one),10} {Rate(macs, one),8} {Micros(two),10} {Rate(macs, two),8} {(two > 0 ? (one / two).ToString("N2", CultureInfo.InvariantCulture) + "x" : "-"),9}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {"sum of stage medians",-28} {timing.Macs.Sum().ToString("N0", CultureInfo.InvariantCulture),12} {Micros(medians[1].Sum()),10} {Rate(timing.Macs.Sum(), medians[1].Sum()),8} {Micros(medians[2].Sum()),10} {Rate(timing.Macs.Sum(), medians[2].Sum()),8}");
        return text.ToString();
    }

    private static double Median(long[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2] * 1e6 / Stopwatch.Frequency;
    }

    private static string Micros(double microseconds) => microseconds.ToString("N1", CultureInfo.InvariantCulture) + " us";

    private static string Rate(long macs, double microseconds) => macs == 0 || microseconds <= 0 ? "-" : (macs / microseconds / 1e3).ToString("N1", CultureInfo.InvariantCulture);
}

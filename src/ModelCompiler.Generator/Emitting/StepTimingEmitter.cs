using ModelCompiler.Generator.Planning;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting;

/// <summary>
/// Writes the per-step timing aid of a generated class: internal (so only the consuming assembly, such as a benchmark,
/// sees it) <c>PredictTimed</c>, which runs the float path once and adds each stage's Stopwatch ticks to a span, with
/// <c>StepNames</c> and <c>StepMacs</c> describing the stages (the input load, then each step). Nothing else calls it.
/// </summary>
internal static class StepTimingEmitter
{
    /// <summary>The members of the API class.</summary>
    public static void WriteApi(SourceWriter w, ModelPlan plan, string kernels)
    {
        w.WriteLine("/// <summary>Names of the stages <c>PredictTimed</c> times: the input load, then each step (its method, named after the layer).</summary>");
        w.WriteLine("internal static readonly string[] StepNames = new string[]");
        w.WriteLine("{");
        w.Indent();
        w.WriteLine(String("load input") + ",");
        foreach (var step in plan.Steps)
        {
            w.WriteLine(String(step.MethodName) + ",");
        }

        w.Unindent();
        w.WriteLine("};");
        w.WriteLine();
        w.WriteLine("/// <summary>Multiply-accumulates of each stage of <c>StepNames</c> (0 where the step has no split, e.g. copies and pools).</summary>");
        w.WriteLine("internal static readonly long[] StepMacs = new long[]");
        w.WriteLine("{");
        w.Indent();
        w.WriteLine("0,");
        foreach (var step in plan.Steps)
        {
            w.WriteLine(LoweringCatalog.EmitterFor(step).Macs(step).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",");
        }

        w.Unindent();
        w.WriteLine("};");
        w.WriteLine();
        w.WriteLine("/// <summary>Benchmark aid: <c>Predict</c> on float input (with the current VectorBits and IntraOpThreads), adding each stage's Stopwatch ticks to <paramref name=\"stepTicks\"/> (one per StepNames entry).</summary>");
        using (w.OpenBlock("internal static int PredictTimed(global::System.ReadOnlySpan<float> input, global::System.Span<long> stepTicks)"))
        {
            w.WriteLine($"ref byte arena = ref {kernels}.RunTimed(input, VectorBits, s_intraOpPool, IntraOpMinimumMacs, stepTicks);");
            w.WriteLine($"return {kernels}.ArgMax(ref arena);");
        }

        w.WriteLine();
    }

    /// <summary>RunTimed in the kernels class: Run with a timestamp after each stage.</summary>
    public static void WriteKernels(SourceWriter w, ModelPlan plan)
    {
        w.WriteLine("/// <summary>Run on float input, adding each stage's Stopwatch ticks to <paramref name=\"ticks\"/>.</summary>");
        using (w.OpenBlock("public static ref byte RunTimed(ReadOnlySpan<float> input, int vectorBits, IntraOpThreadPool? pool, long minimumMacs, Span<long> ticks)"))
        {
            w.WriteLine("CheckInput(input.Length, nameof(input));");
            w.WriteLine($"if (ticks.Length < {Int(plan.Steps.Count + 1)}) throw new ArgumentException(\"one tick counter per stage is needed\", nameof(ticks));");
            w.WriteLine("byte[] arenaArray = Arena();");
            w.WriteLine("ref byte arena = ref MemoryMarshal.GetArrayDataReference(arenaArray);");
            w.WriteLine("long before = global::System.Diagnostics.Stopwatch.GetTimestamp(), after;");
            w.WriteLine("Load(ref MemoryMarshal.GetReference(input), ref arena, vectorBits);");
            w.WriteLine("after = global::System.Diagnostics.Stopwatch.GetTimestamp(); ticks[0] += after - before; before = after;");
            for (int i = 0; i < plan.Steps.Count; i++)
            {
                var step = plan.Steps[i];
                w.WriteLine(LoweringCatalog.EmitterFor(step).Splits(step)
                    ? $"{step.MethodName}(arenaArray, vectorBits, pool, minimumMacs);"
                    : $"{step.MethodName}(ref arena, vectorBits);");
                w.WriteLine($"after = global::System.Diagnostics.Stopwatch.GetTimestamp(); ticks[{Int(i + 1)}] += after - before; before = after;");
            }

            w.WriteLine("return ref arena;");
        }

        w.WriteLine();
    }
}

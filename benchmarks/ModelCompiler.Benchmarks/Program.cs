using System.CommandLine;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// The side-by-side benchmark (run by benchmarks/run.sh): checks the engines agree and that ONNX Runtime's int8
/// graph is fully fused, times every engine on both models with BenchmarkDotNet, measures each engine's peak working
/// set in a fresh process, times the generated PredictBatch at 1 and 2 threads, then prints a table per model, the
/// batch table and the memory summary, and writes bench.json and bench-models.json.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var artifacts = new Option<string>("--artifacts") { Description = "Folder for bench.json, bench-models.json and BenchmarkDotNet's files", DefaultValueFactory = _ => "artifacts" };
        var skipMemory = new Option<bool>("--skip-memory") { Description = "Do not measure working sets (saves about a minute)" };
        var batchOnly = new Option<bool>("--batch-only") { Description = "Only time the generated PredictBatch at 1 and 2 threads and print its table (no files written)" };
        var layers = new Option<bool>("--layers") { Description = "Only print each generated step's median time, MACs and GMAC/s at 1 and 2 intra-op threads, then ONNX Runtime int8's per-node kernel times from its profiler (no files written)" };
        var importedOnly = new Option<bool>("--imported-only") { Description = "Only the imported MobileNetV2 (issue 13): generated against ONNX Runtime int8 and float, batch 1, one thread (no files written)" };
        var layersOf = new Option<string?>("--layers-of") { Description = "With --layers: only the model of this key (e.g. intel-mobilenet)" };
        var multiplyCeiling = new Option<bool>("--multiply-ceiling") { Description = "Only measure one core's int8 multiply-accumulate ceiling: the generated code's exact int16 loop against ONNX Runtime's u8 x s8 loop, activations in registers, weights in L1 (a few seconds)" };
        var intraOpOnly = new Option<bool>("--intra-op-only") { Description = "Only time one image at 1 and 2 intra-op threads (generated, ORT int8 and float) and print its table (no files written)" };
        var aotBinaries = new Option<string[]>("--aot-binary")
        {
            Description = "model=path of a sample's Native AOT binary, for the memory summary (repeatable; run.sh passes both)",
            DefaultValueFactory = _ => [],
        };
        var root = new RootCommand("Generated code vs reference interpreter vs ONNX Runtime vs TorchSharp, batch 1, one thread; generated PredictBatch at 1 and 2 threads")
        {
            artifacts, skipMemory, batchOnly, intraOpOnly, importedOnly, layers, layersOf, multiplyCeiling, aotBinaries,
        };
        root.SetAction(result =>
        {
            if (result.GetValue(layers))
            {
                string? only = result.GetValue(layersOf);
                foreach (var timed in BenchmarkModel.All.Where(m => m.StepTiming is not null && (only is null || m.Key == only)))
                {
                    Console.Write(LayerTimes.Run(timed, timed == BenchmarkModel.Fashion ? 20000 : 2000));
                    Console.Write(OnnxRuntimeNodeTimes.Run(timed, timed == BenchmarkModel.Fashion ? 20000 : 2000));
                }

                if (only is null || only == BenchmarkModel.Imported.Key)
                {
                    Console.Write(LayerTimes.Run(BenchmarkModel.Imported, 100));
                    Console.Write(OnnxRuntimeNodeTimes.Run(BenchmarkModel.Imported, 100));
                }

                return 0;
            }

            if (result.GetValue(multiplyCeiling))
            {
                Console.WriteLine(MultiplyCeiling.Describe(MultiplyCeiling.Measure()));
                return 0;
            }

            if (result.GetValue(intraOpOnly))
            {
                Console.Write(IntraOpResult.Table(SideBySideRun.RunIntraOp(result.GetValue(artifacts)!)));
                return 0;
            }

            if (result.GetValue(importedOnly))
            {
                Console.Write(ImportedModelRun.Run(result.GetValue(artifacts)!));
                return 0;
            }

            if (result.GetValue(batchOnly))
            {
                Console.Write(BenchmarkReport.Batches(SideBySideRun.RunBatches(result.GetValue(artifacts)!)));
                return 0;
            }

            var aot = result.GetValue(aotBinaries)!.Select(AotBinary.Parse).ToDictionary(a => a.Model, a => a.Binary);
            return Run(result.GetValue(artifacts)!, result.GetValue(skipMemory), aot);
        });

        var model = new Option<string>("--model") { Required = true };
        var engine = new Option<string>("--engine") { Required = true, Description = "an engine id, or 'none' for the bare program" };
        var peak = new Command(PeakMemory.Command, "Internal: print the peak working set after loading one engine") { model, engine };
        peak.Hidden = true;
        peak.SetAction(result =>
        {
            string id = result.GetValue(engine)!;
            PeakMemory.Measure(BenchmarkModel.Find(result.GetValue(model)!), id == "none" ? null : EngineNames.Parse(id));
            return 0;
        });
        root.Subcommands.Add(peak);
        return root.Parse(args).Invoke();
    }

    private static int Run(string artifacts, bool skipMemory, IReadOnlyDictionary<BenchmarkModel, AotBinary> aot)
    {
        Console.WriteLine($"{Environment.ProcessorCount} cores; load average {LoadAverage.Now()} (other work on the machine makes these numbers noisy: compare engines side by side only)");
        var facts = new List<ModelFacts>();
        foreach (var model in BenchmarkModel.All)
        {
            var fusion = OnnxFusionCheck.Run(model);
            if (OnnxAccuracyCheck.Run(model, artifacts) is { } accuracy)
            {
                Console.WriteLine(accuracy);
            }

            // The interpreter takes a good part of a second per intel-cnn input.
            var (agreement, floatPeers) = AgreementCheck.Run(model, model == BenchmarkModel.Intel ? 4 : 16);
            var bare = skipMemory ? null : PeakMemory.InChild(model, null);
            var fact = new ModelFacts(model, fusion, agreement, floatPeers, bare);
            facts.Add(fact);
            Console.WriteLine(BenchmarkReport.Agreement(fact));
            if (agreement.FirstOrDefault(a => a.Engine == EngineKind.Generated) is { } generated && generated.SameClass != generated.Inputs)
            {
                Console.Error.WriteLine($"error: the generated code disagrees with the reference interpreter on {model.Key}; not timing a wrong answer");
                return 1;
            }
        }

        Console.WriteLine($"BenchmarkDotNet (in-process; its log and tables go to {artifacts} and {Path.Combine(artifacts, "results")}):");
        var results = SideBySideRun.Run(artifacts);
        var batches = SideBySideRun.RunBatches(artifacts);
        var intraOp = SideBySideRun.RunIntraOp(artifacts);
        string imported = ImportedModelRun.Run(artifacts);

        var memory = new Dictionary<(BenchmarkModel, EngineKind), MemoryFigures?>();
        if (!skipMemory)
        {
            foreach (var model in BenchmarkModel.All)
            {
                foreach (var kind in Enum.GetValues<EngineKind>())
                {
                    memory[(model, kind)] = PeakMemory.InChild(model, kind);
                }
            }
        }

        var rows = ReportRow.From(results, memory);
        Console.Write(BenchmarkReport.Tables(rows, facts));
        Console.Write(BenchmarkReport.Batches(batches));
        Console.Write(IntraOpResult.Table(intraOp));
        Console.Write(imported);
        Console.Write(BenchmarkReport.Memory(rows, aot));
        BenchmarkReport.WriteJson(artifacts, rows, batches, aot, facts);
        Console.WriteLine($"wrote {Path.Combine(artifacts, "bench.json")} and {Path.Combine(artifacts, "bench-models.json")}");
        bool complete = results.Count == BenchmarkModel.All.Count * Enum.GetValues<EngineKind>().Length && batches.Count == BenchmarkModel.All.Count * 2;
        return complete ? 0 : 1;
    }
}

using System.CommandLine;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Training;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary><c>qat</c>: quantization-aware fine-tuning of a trained model (whole or selected layers), then export and compare.</summary>
public static class QatCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var export = new ExportOptions();
        var fit = new EpochOptions(defaultEpochs: 1, defaultLearningRate: 1e-4); // fine-tuning: lower than training, as in the seed
        var layers = new Option<string[]>("--layers") { Description = "Quantize only these layers (comma-separated names, e.g. conv1,conv2,dense1 or pool1); the other conv/dense layers stay float32.", AllowMultipleArgumentsPerToken = true, CustomParser = Split };
        var types = new Option<string[]>("--layer-types")
        {
            Description = $"Quantize only layers of these types: {string.Join(", ", LayerSelection.TypeNames)} (comma-separated; a max pool after a float layer runs in int8 between a quantize and a dequantize layer, as the seed's annotate example).",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = Split,
        };
        var freeze = new Option<int?>("--freeze-bn-after")
        {
            Description = $"Batch normalizations use batch statistics for this many QAT steps, then their running statistics, frozen (default {GraphNetwork.DefaultBatchNormFreezeSteps}; 0: frozen from the start).",
        };
        var command = new Command("qat", "Quantization-aware fine-tuning of a trained model, export to .qmodel, and the float / fake-quant / int8 comparison.");
        foreach (var option in new Option[] { export.From, export.Name, export.Output, fit.Epochs, common.BatchSize, fit.LearningRate, common.AdamEpsilon, common.WeightBits, layers, types, freeze, export.CalibrationSamples, fit.Resume, fit.KeepBest, fit.Augment })
        {
            command.Options.Add(option);
        }

        common.AddDataTo(command);
        command.SetAction(result =>
        {
            int threads = result.GetValue(common.Threads);
            Torch.Start(threads);
            string fromPath = result.GetValue(export.From)!;
            var (bundle, network) = ModelBundle.Load(fromPath);
            using (network)
            {
                var data = LoadedData.Load(common.Selection(result), bundle.Description);
                DataSummary.Print(data, console);
                var selection = LayerSelection.Select(bundle.Description, result.GetValue(layers), result.GetValue(types));
                var precisions = selection.Precisions;
                network.SelectQuantizedPools(selection.QuantizedPools);
                int seed = result.GetValue(common.Seed);
                string path = result.GetValue(export.Output)!;
                int weightBits = result.GetValue(common.WeightBits) ?? CommonOptions.DefaultWeightBits;
                network.WeightBits = weightBits;
                int? freezeSteps = network.HasBatchNorm ? result.GetValue(freeze) ?? GraphNetwork.DefaultBatchNormFreezeSteps : null;
                network.BatchNormFreezeSteps = freezeSteps;
                Calibration.Run(network, precisions, data.Train, result.GetValue(export.CalibrationSamples), null, seed);
                var options = new TrainingOptions
                {
                    Phase = "qat",
                    Epochs = result.GetValue(fit.Epochs),
                    BatchSize = result.GetValue(common.BatchSize),
                    LearningRate = result.GetValue(fit.LearningRate),
                    AdamEpsilon = result.GetValue(common.AdamEpsilon),
                    Seed = seed,
                    CheckpointFolder = path + ".checkpoints",
                    Resume = result.GetValue(fit.Resume),
                    KeepBest = result.GetValue(fit.KeepBest),
                    Augmenter = result.GetValue(fit.Augment) ? new Data.Augmenter() : null,
                };
                var template = bundle with
                {
                    Precisions = precisions,
                    QuantizedPools = selection.QuantizedPools.Length > 0 ? selection.QuantizedPools : null,
                    Dataset = data.Name,
                    WeightBits = weightBits,
                    BatchNormFreezeSteps = freezeSteps,
                };
                var qatHistory = ConsoleProgress.Show(console, progress => TrainingLoop.Run(network, data.Train, data.Validation, options, template, progress));
                var history = bundle.History.Concat(qatHistory).ToList();
                string chosen = string.Join(", ", bundle.Description.Layers.Where(l => l.IsCompute).Zip(precisions, (l, p) => $"{l.Name}={Format.TensorChain.PrecisionName(p)}")
                    .Concat(selection.QuantizedPools.Select(p => $"{p}=int8")));
                string weights = (precisions.Contains(Format.Precision.Int8) ? $"{weightBits}-bit weights, " : "")
                    + (freezeSteps is { } n ? $"batch norm statistics frozen after {n} steps, " : "");
                string recipe = options.Describe(qatHistory, $"{weights}{result.GetValue(export.CalibrationSamples)} calibration images, layers {chosen}");
                var tuned = template with { History = history, DataSplit = data.Split, Training = [.. bundle.Training ?? [], recipe] };
                tuned.Save(network, path + ".tsm");
                bool selective = precisions.Any(p => p != Format.Precision.Int8) || selection.QuantizedPools.Length > 0;
                ExportComparison.Run(network, tuned, fromPath, data, selective ? "qat-selective" : "qat", history, path, threads, console, result.GetValue(export.Name), CommandLineText.Of(result));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Accepts "a,b" as well as "a b" and repeated options.</summary>
    internal static string[] Split(System.CommandLine.Parsing.ArgumentResult result) =>
        result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}

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
        var layers = new Option<string[]>("--layers") { Description = "Quantize only these conv/dense layers (comma-separated names, e.g. conv1,conv2,dense1); the rest stay float32.", AllowMultipleArgumentsPerToken = true, CustomParser = Split };
        var types = new Option<string[]>("--layer-types") { Description = $"Quantize only layers of these types: {string.Join(", ", TrainingCatalog.WeightedTypeNames)} (comma-separated).", AllowMultipleArgumentsPerToken = true, CustomParser = Split };
        var command = new Command("qat", "Quantization-aware fine-tuning of a trained model, export to .qmodel, and the float / fake-quant / int8 comparison.");
        foreach (var option in new Option[] { export.From, export.Name, export.Output, fit.Epochs, common.BatchSize, fit.LearningRate, common.AdamEpsilon, common.WeightBits, layers, types, export.CalibrationSamples, fit.Resume })
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
                var precisions = LayerSelection.Precisions(bundle.Description, result.GetValue(layers), result.GetValue(types));
                int seed = result.GetValue(common.Seed);
                string path = result.GetValue(export.Output)!;
                int weightBits = result.GetValue(common.WeightBits) ?? CommonOptions.DefaultWeightBits;
                network.WeightBits = weightBits;
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
                };
                var template = bundle with { Precisions = precisions, Dataset = data.Name, WeightBits = weightBits };
                var qatHistory = ConsoleProgress.Show(console, progress => TrainingLoop.Run(network, data.Train, data.Validation, options, template, progress));
                var history = bundle.History.Concat(qatHistory).ToList();
                (template with { History = history }).Save(network, path + ".tsm");
                bool selective = precisions.Any(p => p != Format.Precision.Int8);
                ExportComparison.Run(network, bundle, fromPath, data, selective ? "qat-selective" : "qat", history, path, threads, console, result.GetValue(export.Name));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Accepts "a,b" as well as "a b" and repeated options.</summary>
    internal static string[] Split(System.CommandLine.Parsing.ArgumentResult result) =>
        result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}

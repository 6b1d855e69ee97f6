using System.CommandLine;
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
        var from = new Option<string>("--from") { Description = "Trained float model (from 'train').", Required = true };
        var name = new Option<string?>("--name") { Description = "Name of the exported model: a C# identifier, the class the generator emits (default: from the model description, e.g. FashionCnn)." };
        var output = new Option<string>("--output", "-o") { Description = "The .qmodel to write (also <output>.report.json, <output>.curves.png, <output>.tsm).", DefaultValueFactory = _ => "model.qmodel" };
        var epochs = new Option<int>("--epochs") { Description = "QAT fine-tuning epochs.", DefaultValueFactory = _ => 1 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate for fine-tuning (lower than training, as in the seed).", DefaultValueFactory = _ => 1e-4 };
        var layers = new Option<string[]>("--layers") { Description = "Quantize only these layers (comma-separated names, e.g. conv1,conv2,dense1 or pool1); the other conv/dense layers stay float32.", AllowMultipleArgumentsPerToken = true, CustomParser = Split };
        var types = new Option<string[]>("--layer-types") { Description = "Quantize only layers of these types: conv2d, dense, maxpool2d (comma-separated; a max pool after a float layer runs in int8 between a quantize and a dequantize layer, as the seed's annotate example).", AllowMultipleArgumentsPerToken = true, CustomParser = Split };
        var calibration = new Option<int>("--calibration-samples") { Description = "Images used to initialise the activation observers before fine-tuning.", DefaultValueFactory = _ => 1000 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the last finished QAT epoch in <output>.checkpoints/." };
        var keepBest = TrainCommand.KeepBestOption();
        var augment = new Option<bool>("--augment") { Description = "Fine-tune on the seed's augmentation (zoom 0.3, rotation 25 degrees, shear 0.1), as the seed's QAT fit uses its augmented generator." };
        var command = new Command("qat", "Quantization-aware fine-tuning of a trained model, export to .qmodel, and the float / fake-quant / int8 comparison.");
        foreach (var option in new Option[] { from, name, output, epochs, common.BatchSize, lr, common.AdamEpsilon, common.WeightBits, layers, types, calibration, resume, keepBest, augment })
        {
            command.Options.Add(option);
        }

        common.AddDataTo(command);
        command.SetAction(result =>
        {
            int threads = result.GetValue(common.Threads);
            Torch.Start(threads);
            string fromPath = result.GetValue(from)!;
            var (bundle, network) = ModelBundle.Load(fromPath);
            using (network)
            {
                var data = LoadedData.Load(common.Selection(result), bundle.Description);
                DataSummary.Print(data, console);
                var selection = LayerSelection.Select(bundle.Description, result.GetValue(layers), result.GetValue(types));
                var precisions = selection.Precisions;
                network.SelectQuantizedPools(selection.QuantizedPools);
                int seed = result.GetValue(common.Seed);
                string path = result.GetValue(output)!;
                int weightBits = result.GetValue(common.WeightBits) ?? CommonOptions.DefaultWeightBits;
                network.WeightBits = weightBits;
                Calibration.Run(network, precisions, data.Train, result.GetValue(calibration), null, seed);
                var options = new TrainingOptions
                {
                    Phase = "qat",
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(common.BatchSize),
                    LearningRate = result.GetValue(lr),
                    AdamEpsilon = result.GetValue(common.AdamEpsilon),
                    Seed = seed,
                    CheckpointFolder = path + ".checkpoints",
                    Resume = result.GetValue(resume),
                    KeepBest = result.GetValue(keepBest),
                    Augmenter = result.GetValue(augment) ? new Data.Augmenter() : null,
                };
                var template = bundle with
                {
                    Precisions = precisions,
                    QuantizedPools = selection.QuantizedPools.Length > 0 ? selection.QuantizedPools : null,
                    Dataset = data.Name,
                    WeightBits = weightBits,
                };
                var qatHistory = ConsoleProgress.Show(console, progress => TrainingLoop.Run(network, data.Train, data.Validation, options, template, progress));
                var history = bundle.History.Concat(qatHistory).ToList();
                string chosen = string.Join(", ", bundle.Description.Layers.Where(l => l.IsCompute).Zip(precisions, (l, p) => $"{l.Name}={Format.TensorChain.PrecisionName(p)}")
                    .Concat(selection.QuantizedPools.Select(p => $"{p}=int8")));
                string weights = precisions.Contains(Format.Precision.Int8) ? $"{weightBits}-bit weights, " : "";
                string recipe = options.Describe(qatHistory, $"{weights}{result.GetValue(calibration)} calibration images, layers {chosen}");
                var tuned = template with { History = history, DataSplit = data.Split, Training = [.. bundle.Training ?? [], recipe] };
                tuned.Save(network, path + ".tsm");
                bool selective = precisions.Any(p => p != Format.Precision.Int8) || selection.QuantizedPools.Length > 0;
                ExportComparison.Run(network, tuned, fromPath, data, selective ? "qat-selective" : "qat", history, path, threads, console, result.GetValue(name), CommandLineText.Of(result));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Accepts "a,b" as well as "a b" and repeated options.</summary>
    internal static string[] Split(System.CommandLine.Parsing.ArgumentResult result) =>
        result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}

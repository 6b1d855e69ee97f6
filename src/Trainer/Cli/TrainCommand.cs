using System.CommandLine;
using System.Globalization;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Training;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;
using TorchSharp;

namespace ModelCompiler.Trainer.Cli;

/// <summary><c>train</c>: float training with Adam, per-epoch checkpoints and --resume.</summary>
public static class TrainCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var model = new Option<string>("--model")
        {
            Description = "fashion-cnn, intel-cnn, intel-mobilenet, fashion-mobilenet, or a JSON model description file.",
            DefaultValueFactory = _ => "fashion-cnn",
        };
        var width = new Option<double>("--width") { Description = "Width multiplier of intel-mobilenet and fashion-mobilenet (channels scaled, rounded to multiples of 8).", DefaultValueFactory = _ => 1.0 };
        var fit = new EpochOptions(defaultEpochs: 3, defaultLearningRate: 1e-3);
        var output = CommonOptions.Output<string>("Trained model file (weights; metadata goes to <output>.json, checkpoints to <output>.checkpoints/).", "model.tsm");
        var hflip = new Option<bool>("--hflip") { Description = "With --augment, also flip images horizontally at random." };
        var command = new Command("train", "Train a float model (the seed's model.fit).");
        foreach (var option in new Option[] { model, width, fit.Epochs, common.BatchSize, fit.LearningRate, common.AdamEpsilon, output, fit.Resume, fit.Augment, hflip, fit.KeepBest })
        {
            command.Options.Add(option);
        }

        common.AddDataTo(command);
        command.SetAction(result =>
        {
            var description = BuiltInModels.Resolve(result.GetValue(model)!, result.GetValue(width));
            var threads = result.GetValue(common.Threads);
            Torch.Start(threads);
            var data = LoadedData.Load(common.Selection(result), description);
            DataSummary.Print(data, console);
            int seed = result.GetValue(common.Seed);
            string path = result.GetValue(output)!;
            var options = new TrainingOptions
            {
                Phase = "float",
                Epochs = result.GetValue(fit.Epochs),
                BatchSize = result.GetValue(common.BatchSize),
                LearningRate = result.GetValue(fit.LearningRate),
                AdamEpsilon = result.GetValue(common.AdamEpsilon),
                Seed = seed,
                Augmenter = result.GetValue(fit.Augment) ? new Augmenter(horizontalFlip: result.GetValue(hflip)) : null,
                CheckpointFolder = path + ".checkpoints",
                Resume = result.GetValue(fit.Resume),
                KeepBest = result.GetValue(fit.KeepBest),
            };
            var report = Train(description, data, options, path, console);
            console.MarkupLine($"test accuracy {report.FloatAccuracy!.Value.ToString("P2", CultureInfo.InvariantCulture)} on {data.Test.Count} images; wrote {Markup.Escape(path)}");
            return 0;
        });
        return command;
    }

    /// <summary>Trains and saves the float model; returns the saved bundle (with its test accuracy).</summary>
    public static ModelBundle Train(ModelDescription description, LoadedData data, TrainingOptions options, string path, IAnsiConsole console)
    {
        torch.manual_seed(options.Seed);
        using var network = new GraphNetwork(description);
        var template = new ModelBundle
        {
            Description = description,
            Classes = [.. data.Train.Classes],
            Precisions = Enumerable.Repeat(Precision.Float32, network.Precisions.Length).ToArray(),
            Dataset = data.Name,
            DataSplit = data.Split,
            History = [],
        };
        var history = ConsoleProgress.Show(console, progress => TrainingLoop.Run(network, data.Train, data.Validation, options, template, progress));
        var bundle = template with { History = history, FloatAccuracy = Evaluator.Accuracy(network, data.Test), Training = [options.Describe(history)] };
        bundle.Save(network, path);
        TrainingCurves.Save(history, path + ".curves.png", $"{description.Name}: float training");
        return bundle;
    }
}

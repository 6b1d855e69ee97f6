using ModelCompiler.IO;
using System.CommandLine;
using System.Globalization;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Training;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary><c>evaluate</c>: accuracy of a trained model (TorchSharp) or of a .qmodel (reference interpreter) on the test set.</summary>
public static class EvaluateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var model = new Argument<string>("model") { Description = "A trained model from 'train'/'qat' (.tsm), a checkpoint folder (<output>.checkpoints), or a .qmodel file." };
        var latency = new Option<int>("--latency") { Description = "Also time batch-1 TorchSharp inference over this many test images (microseconds per image; use with --threads 1)." };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        var maxModelBytes = ModelFileOption.Create();
        var command = new Command("evaluate", "Measure the test accuracy of a trained model, a checkpoint or a .qmodel (through the reference interpreter).");
        command.Arguments.Add(model);
        command.Options.Add(latency);
        command.Options.Add(json);
        command.Options.Add(maxModelBytes);
        common.AddDataTo(command);
        command.SetAction(result =>
        {
            string path = result.GetValue(model)!;
            int threads = result.GetValue(common.Threads);
            if (path.EndsWith(".qmodel", StringComparison.OrdinalIgnoreCase))
            {
                var qmodel = ModelFileOption.Read(path, result.GetValue(maxModelBytes));
                var shape = qmodel.InputShape;
                var data = LoadedData.Load(common.Selection(result), shape.Height, shape.Width, shape.Channels, qmodel.Labels.Count, qmodel.Name);
                var predictions = InterpreterEvaluation.Predict(qmodel, data.Test, threads);
                double accuracy = Evaluator.Accuracy(predictions, data.Test.Labels);
                Print(console, path, "reference interpreter", accuracy, data.Test.Count);
                WriteJson(result.GetValue(json), "reference interpreter", accuracy, data.Test.Count, null);
            }
            else
            {
                Torch.Start(threads);
                var (description, network) = Directory.Exists(path) && Checkpoint.TryRead(path) is { } checkpoint
                    ? (checkpoint.Bundle.Description, checkpoint.LoadNetwork(path))
                    : ModelBundle.Load(path) is var (bundle, loaded) ? (bundle.Description, loaded) : default;
                using (network)
                {
                    var data = LoadedData.Load(common.Selection(result), description);
                    double accuracy = Evaluator.Accuracy(network, data.Test);
                    Print(console, path, "TorchSharp", accuracy, data.Test.Count);
                    int timed = result.GetValue(latency);
                    double? micros = timed > 0 ? LatencyProbe.MicrosecondsPerImage(network, data.Test, timed) : null;
                    if (micros is { } us)
                    {
                        console.MarkupLine($"TorchSharp float, batch 1, {threads} thread(s): [bold]{us.ToString("F1", CultureInfo.InvariantCulture)} us[/] per image");
                    }

                    WriteJson(result.GetValue(json), "TorchSharp", accuracy, data.Test.Count, micros);
                }
            }

            return 0;
        });
        return command;
    }

    private static void WriteJson(string? path, string engine, double accuracy, int count, double? microsPerImage)
    {
        if (path is null)
        {
            return;
        }

        var figures = new Dictionary<string, object?>
        {
            ["engine"] = engine,
            ["accuracy"] = accuracy,
            ["test_images"] = count,
            ["us_per_image"] = microsPerImage,
        };
        AtomicFile.WriteText(path, System.Text.Json.JsonSerializer.Serialize(figures, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private static void Print(IAnsiConsole console, string path, string engine, double accuracy, int count)
    {
        var table = new Table().AddColumns("model", "engine", "test images", "accuracy");
        table.AddRow(Markup.Escape(path), engine, count.ToString(CultureInfo.InvariantCulture), (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %");
        console.Write(table);
    }
}

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
        var command = new Command("evaluate", "Measure the test accuracy of a trained model, a checkpoint or a .qmodel (through the reference interpreter).");
        command.Arguments.Add(model);
        common.AddDataTo(command);
        command.SetAction(result =>
        {
            string path = result.GetValue(model)!;
            int threads = result.GetValue(common.Threads);
            if (path.EndsWith(".qmodel", StringComparison.OrdinalIgnoreCase))
            {
                var qmodel = QModelFile.Read(path);
                var shape = qmodel.InputShape;
                var data = LoadedData.Load(common.Selection(result), shape.Height, shape.Width, shape.Channels, qmodel.Labels.Count, qmodel.Name);
                var predictions = InterpreterEvaluation.Predict(qmodel, data.Test, threads);
                Print(console, path, "reference interpreter", Evaluator.Accuracy(predictions, data.Test.Labels), data.Test.Count);
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
                    Print(console, path, "TorchSharp", Evaluator.Accuracy(network, data.Test), data.Test.Count);
                }
            }

            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, string path, string engine, double accuracy, int count)
    {
        var table = new Table().AddColumns("model", "engine", "test images", "accuracy");
        table.AddRow(Markup.Escape(path), engine, count.ToString(CultureInfo.InvariantCulture), (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %");
        console.Write(table);
    }
}

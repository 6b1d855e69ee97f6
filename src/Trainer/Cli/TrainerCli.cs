using System.CommandLine;
using ModelCompiler.Format;
using ModelCompiler.Import;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Native;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// The modelc-train command line. Expected failures (missing data, bad files) print one line on the error output,
/// never wrapped and with control characters escaped, not a stack trace.
/// </summary>
public static class TrainerCli
{
    public static RootCommand Create(IAnsiConsole console) => new(
        "modelc-train: train image classifiers with TorchSharp, fine-tune them quantization-aware or quantize them after " +
        "training, and export .qmodel files for the ModelCompiler source generator.\n\n" +
        "Typical run (the seed's workflow on Fashion-MNIST):\n" +
        "  modelc-train train --model fashion-cnn --epochs 3 -o fashion.tsm\n" +
        "  modelc-train qat --from fashion.tsm --epochs 1 --lr 1e-4 -o fashion.qmodel\n" +
        "  modelc-train inspect fashion.qmodel")
    {
        Subcommands =
        {
            TrainCommand.Create(console),
            QatCommand.Create(console),
            PtqCommand.Create(console),
            EvaluateCommand.Create(console),
            InspectCommand.Create(console),
            StandInCommand.Create(console),
            ReportCommand.Create(console),
            ExportOnnxCommand.Create(console),
            CompareCommand.Create(console),
            ImportCommand.Create(console),
        },
    };

    /// <summary>Parses and runs; returns the process exit code (0 ok, 1 a reported error, 2 usage).</summary>
    public static int Run(string[] args, IAnsiConsole console, TextWriter? output = null, TextWriter? error = null)
    {
        var parse = Create(console).Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = output ?? Console.Out,
                Error = error ?? Console.Error,
            });
        }
        catch (ModelImportException e)
        {
            // One line per problem: an import can find several at once (docs/import.md).
            var writer = error ?? Console.Error;
            writer.WriteLine(e.Problems.Count == 1
                ? $"error: {TerminalText.Escape(e.SourceName)}: cannot import: {TerminalText.Escape(e.Problems[0].ToString())}"
                : $"error: {TerminalText.Escape(e.SourceName)}: cannot import ({e.Problems.Count} problems):");
            foreach (var problem in e.Problems.Count == 1 ? [] : e.Problems)
            {
                writer.WriteLine("  " + TerminalText.Escape(problem.ToString()));
            }

            return 1;
        }
        catch (Exception e) when (e is DatasetMissingException or ModelDescriptionException or TorchUnavailableException
            or IOException or QModelFormatException or InvalidDataException
            or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            // IOException covers UserFileException (files a user named) and any other input/output failure.
            (error ?? Console.Error).WriteLine("error: " + TerminalText.Escape(e.Message));
            return 1;
        }
    }
}

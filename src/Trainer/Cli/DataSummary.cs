using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>Prints what was loaded, and every image that was skipped with the reason.</summary>
public static class DataSummary
{
    public static void Print(LoadedData data, IAnsiConsole console)
    {
        console.MarkupLine($"data: {ConsoleText.Show(data.Name)}");
        console.MarkupLine($"      {data.Train.Count} training, {data.Validation.Count} validation, {data.Test.Count} test images, {data.Train.Classes.Count} classes, {data.Skipped.Count} skipped");
        foreach (var skipped in data.Skipped)
        {
            ConsoleText.Line(console, $"skipped {skipped.Path}: {skipped.Reason}");
        }
    }
}

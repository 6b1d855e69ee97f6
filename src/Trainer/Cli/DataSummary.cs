using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>Prints what was loaded, and every image that was skipped with the reason.</summary>
public static class DataSummary
{
    public static void Print(LoadedData data, IAnsiConsole console)
    {
        console.MarkupLine($"data: {Markup.Escape(data.Name)}");
        console.MarkupLine($"      {data.Train.Count} training, {data.Validation.Count} validation, {data.Test.Count} test images, {data.Train.Classes.Count} classes, {data.Skipped.Count} skipped ({data.LoadSeconds:F1} s to load{(data.SplitsFromCache > 0 ? $", {data.SplitsFromCache} folder(s) from the decoded-image cache" : "")})");
        foreach (var skipped in data.Skipped)
        {
            console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(skipped.Path)}: {Markup.Escape(skipped.Reason)}");
        }
    }
}

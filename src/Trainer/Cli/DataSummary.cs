using ModelCompiler.Imaging;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// Prints what was loaded, every image that was skipped with the reason and every truncated image used with its
/// warning (one line each, never wrapped), and which option changes a limit that skipped images.
/// </summary>
public static class DataSummary
{
    public static void Print(LoadedData data, IAnsiConsole console)
    {
        console.MarkupLine($"data: {ConsoleText.Show(data.Name)}");
        console.MarkupLine($"      {data.Train.Count} training, {data.Validation.Count} validation, {data.Test.Count} test images, {data.Train.Classes.Count} classes, {data.Skipped.Count} skipped"
            + (data.Warnings.Count > 0 ? $", {data.Warnings.Count} truncated used" : "")
            + $" ({data.LoadSeconds:F1} s to load{(data.SplitsFromCache > 0 ? $", {data.SplitsFromCache} folder(s) from the decoded-image cache" : "")})");
        foreach (var skipped in data.Skipped)
        {
            ConsoleText.Line(console, $"skipped {skipped.Path}: {skipped.Reason}");
        }

        foreach (var warned in data.Warnings)
        {
            ConsoleText.Line(console, $"warning {warned.Path}: {warned.Warning}");
        }

        var problems = data.Skipped.Select(s => s.Problem).ToHashSet();
        foreach (var (problem, hint) in new[]
        {
            (ImageProblem.TooManyPixels, "--max-image-pixels raises the pixel limit"),
            (ImageProblem.FileTooLarge, "--max-image-bytes raises the file size limit"),
            (ImageProblem.Truncated, "--truncated-images use trains on truncated images too, as far as their data goes"),
        })
        {
            if (problems.Contains(problem))
            {
                ConsoleText.Line(console, $"note: {hint} (docs/limits.md)");
            }
        }
    }
}

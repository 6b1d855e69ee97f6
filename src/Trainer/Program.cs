using ModelCompiler.Trainer.Cli;
using Spectre.Console;

namespace ModelCompiler.Trainer;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Redirected output (logs, CI) would otherwise be wrapped at 80 columns, which breaks the layer tables and
        // splits long lines (paths, messages) in two. Nothing printed expands to the full width (no rules, no
        // expanded tables), so a wide profile only stops the wrapping.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Console.Profile.Width = 4096;
        }

        return TrainerCli.Run(args, AnsiConsole.Console);
    }
}

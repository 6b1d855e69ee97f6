using ModelCompiler.Trainer.Cli;
using Spectre.Console;

namespace ModelCompiler.Trainer;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Redirected output (logs, CI) would otherwise be wrapped at 80 columns, which breaks the layer tables.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Console.Profile.Width = 160;
        }

        return TrainerCli.Run(args, AnsiConsole.Console);
    }
}

using ModelCompiler.Trainer.Cli;
using Spectre.Console;

namespace ModelCompiler.Trainer;

internal static class Program
{
    private static int Main(string[] args) => TrainerCli.Run(args, AnsiConsole.Console);
}

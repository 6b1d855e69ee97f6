using ModelCompiler.Trainer.Cli;
using Spectre.Console;

namespace ModelCompiler.Trainer.Tests;

/// <summary>Runs the modelc-train command line in-process and captures what it prints.</summary>
public static class CliRunner
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;
        int code = TrainerCli.Run(args, console, writer, writer);
        return (code, writer.ToString());
    }

    public static string Run0(params string[] args)
    {
        var (code, output) = Run(args);
        Assert.True(code == 0, $"modelc-train {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }
}

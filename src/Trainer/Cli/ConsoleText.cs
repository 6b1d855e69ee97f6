using ModelCompiler.Format;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// Text from files and folders on the console: control characters escaped (<see cref="TerminalText"/>: labels with
/// escape sequences, CR-only files, names with newlines), and lines that must stay one line written past Spectre's
/// wrapping, which otherwise breaks long lines at the profile width when output is redirected.
/// </summary>
internal static class ConsoleText
{
    /// <summary>File text ready for Spectre markup: control characters and markup brackets escaped.</summary>
    public static string Show(string text) => Markup.Escape(TerminalText.Escape(text));

    /// <summary>One line that is never wrapped (warnings, skipped files), with control characters escaped.</summary>
    public static void Line(IAnsiConsole console, string text) => console.Profile.Out.Writer.WriteLine(TerminalText.Escape(text));
}

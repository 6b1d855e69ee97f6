using System.CommandLine;

namespace ModelCompiler.Trainer.Cli;

/// <summary>The command line a parse came from, as one copyable line (for reports that say how they were made).</summary>
public static class CommandLineText
{
    public static string Of(ParseResult result) =>
        "modelc-train " + string.Join(' ', result.Tokens.Select(t => Quote(t.Value)));

    private static string Quote(string token) =>
        token.Length > 0 && token.All(c => char.IsLetterOrDigit(c) || "-_./=,:+@%".Contains(c)) ? token : "'" + token.Replace("'", "'\\''") + "'";
}

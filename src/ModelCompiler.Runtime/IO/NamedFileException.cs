using ModelCompiler.Format;

namespace ModelCompiler.IO;

/// <summary>
/// A file a user named could not be used: the base of <see cref="UserFileException"/> (reading and writing) and of
/// the image opener's exception. The message is one line, <c>path: reason</c>, with control characters escaped
/// (<see cref="TerminalText"/>), so a command line can print it as it is.
/// </summary>
public abstract class NamedFileException(string path, string reason, Exception? innerException)
    : IOException($"{TerminalText.Escape(path)}: {TerminalText.Escape(reason)}", innerException)
{
    /// <summary>The path as the caller gave it (not escaped).</summary>
    public string FilePath { get; } = path;

    /// <summary>The message without the path.</summary>
    public string Reason { get; } = reason;
}

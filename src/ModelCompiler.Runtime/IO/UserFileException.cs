using ModelCompiler.Format;

namespace ModelCompiler.IO;

/// <summary>Why a file a user named could not be read or written.</summary>
public enum UserFileProblem
{
    /// <summary>The file, or a folder on its path, does not exist (also a dangling symbolic link).</summary>
    NotFound,
    /// <summary>The path is a folder where a file is needed.</summary>
    IsFolder,
    /// <summary>The operating system refused access.</summary>
    AccessDenied,
    /// <summary>Symbolic links that point at each other (too many levels of symbolic links).</summary>
    SymbolicLinkLoop,
    /// <summary>The file holds more bytes than the stated limit (or never ends, like <c>/dev/zero</c>).</summary>
    TooLarge,
    /// <summary>Any other input/output error; the message carries the system's reason.</summary>
    Unreadable,
}

/// <summary>
/// A file a user named could not be read or written. The message is one line, <c>path: reason</c>, with the path's
/// control characters escaped (<see cref="TerminalText"/>), so a command line can print it as it is.
/// </summary>
public sealed class UserFileException : IOException
{
    public UserFileException(string path, UserFileProblem problem, string reason, Exception? innerException = null)
        : base($"{TerminalText.Escape(path)}: {TerminalText.Escape(reason)}", innerException)
    {
        FilePath = path;
        Problem = problem;
        Reason = reason;
    }

    /// <summary>The path as the caller gave it (not escaped).</summary>
    public string FilePath { get; }

    public UserFileProblem Problem { get; }

    /// <summary>The message without the path.</summary>
    public string Reason { get; }
}

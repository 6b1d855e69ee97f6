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

/// <summary>A file a user named could not be read or written; <see cref="Problem"/> says why.</summary>
public sealed class UserFileException(string path, UserFileProblem problem, string reason, Exception? innerException = null)
    : NamedFileException(path, reason, innerException)
{
    /// <summary>The kind of failure, for callers that hint (e.g. which limit to raise).</summary>
    public UserFileProblem Problem { get; } = problem;
}

using System.CommandLine;
using ModelCompiler.Format;
using ModelCompiler.IO;

namespace ModelCompiler.Trainer.Cli;

/// <summary><c>--max-model-bytes</c> for the commands that read a .qmodel, and reading with it.</summary>
public static class ModelFileOption
{
    public static Option<long> Create() => new("--max-model-bytes")
    {
        Description = $"Largest .qmodel file to read, in bytes (default {QModelFile.DefaultMaxBytes}, 256 MiB; docs/limits.md).",
        DefaultValueFactory = _ => QModelFile.DefaultMaxBytes,
    };

    /// <summary><see cref="QModelFile.Read(string, long)"/>; a too-large file's message says which option raises the limit.</summary>
    public static QModel Read(string path, long maxBytes)
    {
        try
        {
            return QModelFile.Read(path, maxBytes);
        }
        catch (UserFileException e) when (e.Problem == UserFileProblem.TooLarge)
        {
            throw new UserFileException(e.FilePath, e.Problem, e.Reason + "; --max-model-bytes raises the limit", e);
        }
    }
}

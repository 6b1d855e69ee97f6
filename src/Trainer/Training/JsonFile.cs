using ModelCompiler.IO;

namespace ModelCompiler.Trainer.Training;

/// <summary>
/// The JSON files the trainer reads (model sidecars, checkpoint state, model descriptions, reports): through
/// <see cref="UserFile"/> with a 16 MiB limit (they are a few KB), so a device or a huge file is one error naming it.
/// </summary>
public static class JsonFile
{
    public const long MaxBytes = 16L << 20;

    /// <summary>The text of <paramref name="path"/>; <paramref name="what"/> names the kind of file in errors.</summary>
    /// <exception cref="UserFileException">Missing, a folder, a link loop, unreadable, not UTF-8, or over 16 MiB.</exception>
    public static string ReadText(string path, string what) => UserFile.ReadAllText(path, MaxBytes, what);
}

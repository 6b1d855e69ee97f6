using ModelCompiler.IO;

namespace ModelCompiler.Trainer.Training;

/// <summary>
/// Writes through a temporary file in the same folder and renames it, so readers see the old or the new file, never
/// half of one (<see cref="UserFile.WriteAtomic"/>: a missing folder is an error naming the file, not the temporary).
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo) => UserFile.WriteAtomic(path, writeTo);

    public static void WriteText(string path, string text) => Write(path, t => File.WriteAllText(t, text));

    public static void WriteBytes(string path, byte[] bytes) => Write(path, t => File.WriteAllBytes(t, bytes));
}

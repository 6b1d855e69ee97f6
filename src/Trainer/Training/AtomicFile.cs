namespace ModelCompiler.Trainer.Training;

/// <summary>Writes through a temporary file in the same folder and renames it, so readers see the old or the new file, never half of one.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTo(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public static void WriteText(string path, string text) => Write(path, t => File.WriteAllText(t, text));

    public static void WriteBytes(string path, byte[] bytes) => Write(path, t => File.WriteAllBytes(t, bytes));
}

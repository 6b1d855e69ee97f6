using System.Text;
using ModelCompiler.Format;

namespace ModelCompiler.IO;

/// <summary>Reads and writes <c>.qmodel</c> files: UTF-8 without BOM, written atomically.</summary>
public static class QModelFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads and validates a model. Malformed content (including bytes that are not UTF-8) throws
    /// <see cref="QModelFormatException"/>; a missing or unreadable file throws the usual IO exceptions.
    /// </summary>
    public static QModel Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string text = Utf8Text.Decode(bytes);
        return QModelReader.Read(text);
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> so that readers see either the old file or the
    /// complete new one: the text is first read back (an invalid model throws and nothing is written), then written
    /// to a temporary file in the same directory, flushed, and moved over <paramref name="path"/>.
    /// </summary>
    public static void WriteAtomic(string path, QModel model)
    {
        string text = QModelWriter.Write(model);
        QModelReader.Read(text);

        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                byte[] bytes = StrictUtf8.GetBytes(text);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}

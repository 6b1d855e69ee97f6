using System.Text;
using ModelCompiler.Format;

namespace ModelCompiler.IO;

/// <summary>Reads and writes <c>.qmodel</c> files: UTF-8 without BOM, written atomically.</summary>
public static class QModelFile
{
    /// <summary>
    /// Largest file <see cref="Read(string)"/> accepts: 256 MiB, about 190 million int8 or 48 million float32 weights
    /// in base64, far more than a model the generator compiles. Reading holds the bytes and the UTF-16 text: three times the size.
    /// </summary>
    public const long DefaultMaxBytes = 256L << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads and validates a model of at most <see cref="DefaultMaxBytes"/>. Malformed content (including bytes that
    /// are not UTF-8) throws <see cref="QModelFormatException"/>; a file that is missing, a folder, a link loop,
    /// unreadable or too large throws <see cref="UserFileException"/> (an <see cref="IOException"/>).
    /// </summary>
    public static QModel Read(string path) => Read(path, DefaultMaxBytes);

    /// <summary>As <see cref="Read(string)"/>, accepting files of up to <paramref name="maxBytes"/> bytes.</summary>
    public static QModel Read(string path, long maxBytes)
    {
        byte[] bytes = UserFile.ReadAllBytes(path, maxBytes, "a .qmodel file");
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

        UserFile.WriteAtomic(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            byte[] bytes = StrictUtf8.GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
        });
    }
}

using System.Globalization;
using System.Text;

namespace ModelCompiler.IO;

/// <summary>
/// Reads and writes files a user named (models, images, descriptions) with a size limit and one kind of error:
/// every failure is a <see cref="UserFileException"/> whose message names the file and the reason. Reading holds at
/// most one and a half times the limit, whatever the file is (a 3 GB file is refused from its size; a device such as
/// <c>/dev/zero</c>, which states no size, after its growing buffer reaches the limit); writing goes through a
/// temporary file and a rename.
/// </summary>
public static class UserFile
{
    /// <summary>The Linux errno for "too many levels of symbolic links", which .NET reports as the HResult.</summary>
    private const int LinuxSymbolicLinkLoop = 40;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The whole file, at most <paramref name="maxBytes"/> bytes; <paramref name="what"/> names the kind of file in
    /// the too-large message ("a .qmodel file").
    /// </summary>
    /// <exception cref="UserFileException">Missing, a folder, a link loop, unreadable, or larger than the limit.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        maxBytes = Math.Min(maxBytes, Array.MaxLength);
        if (Directory.Exists(path))
        {
            throw new UserFileException(path, UserFileProblem.IsFolder, "is a folder, not a file");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            long declared = stream.CanSeek ? stream.Length : 0;
            if (declared > maxBytes)
            {
                throw new UserFileException(path, UserFileProblem.TooLarge, $"is {Bytes(declared)}, over the limit of {Bytes(maxBytes)} for {what}");
            }

            // A regular file is read into one array of its size. Devices, pipes and /proc files report 0 (or less
            // than they hold), so a one-byte probe decides whether to go on, growing the array up to the limit.
            var buffer = new byte[declared];
            int total = ReadUntilFull(stream, buffer, 0);
            while (total == buffer.Length)
            {
                int next = stream.ReadByte();
                if (next < 0)
                {
                    return buffer;
                }

                if (total >= maxBytes)
                {
                    throw new UserFileException(path, UserFileProblem.TooLarge, $"holds more than the limit of {Bytes(maxBytes)} for {what}"
                        + (declared == 0 ? " (it reports no size: a device or a pipe?)" : ""));
                }

                Array.Resize(ref buffer, (int)Math.Min(Math.Max(4096L, buffer.Length * 2L), maxBytes));
                buffer[total++] = (byte)next;
                total = ReadUntilFull(stream, buffer, total);
            }

            return buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not UserFileException)
        {
            throw Explain(path, e, "cannot be read");
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> is a file that another library can read by path (TorchSharp weights): it
    /// exists, is not a folder or a link loop, and states its size, which must not be 0. A device such as
    /// <c>/dev/zero</c> states 0, so it is refused here rather than read without end.
    /// </summary>
    /// <returns>The file's size in bytes.</returns>
    /// <exception cref="UserFileException">Missing, a folder, a link loop, unreadable, empty or a device.</exception>
    public static long CheckReadable(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new UserFileException(path, UserFileProblem.IsFolder, "is a folder, not a file");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            long length = stream.CanSeek ? stream.Length : 0;
            return length > 0 ? length : throw new UserFileException(path, UserFileProblem.Unreadable, stream.ReadByte() < 0
                ? $"is empty, not {what}"
                : $"reports no size but holds data (a device or a pipe?), not {what}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not UserFileException)
        {
            throw Explain(path, e, "cannot be read");
        }
    }

    /// <summary>The file as UTF-8 text (a leading byte-order mark is kept as U+FEFF), at most <paramref name="maxBytes"/> bytes.</summary>
    /// <exception cref="UserFileException">As <see cref="ReadAllBytes"/>, or the bytes are not UTF-8.</exception>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        byte[] bytes = ReadAllBytes(path, maxBytes, what);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new UserFileException(path, UserFileProblem.Unreadable, $"is not UTF-8 text (bad byte at offset {Math.Max(0, e.Index)})", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> so that readers see the old file or the complete new one: <paramref name="writeTo"/>
    /// writes a temporary file in the same folder (it gets that file's path), which then replaces <paramref name="path"/>.
    /// A missing folder, a folder in the way or a refused write is a <see cref="UserFileException"/> naming
    /// <paramref name="path"/>, not the temporary file.
    /// </summary>
    public static void WriteAtomic(string path, Action<string> writeTo)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new UserFileException(path, UserFileProblem.IsFolder, "cannot be written: it names no file");
        if (!Directory.Exists(directory))
        {
            throw new UserFileException(path, UserFileProblem.NotFound, $"cannot be written: folder {directory} does not exist");
        }

        if (Directory.Exists(full))
        {
            throw new UserFileException(path, UserFileProblem.IsFolder, "cannot be written: it is a folder");
        }

        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTo(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not UserFileException)
        {
            throw Explain(path, e, "cannot be written");
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Reads into <paramref name="buffer"/> from <paramref name="offset"/> until it is full or the stream ends; returns the new fill.</summary>
    private static int ReadUntilFull(Stream stream, byte[] buffer, int offset)
    {
        while (offset < buffer.Length)
        {
            int read = stream.Read(buffer, offset, buffer.Length - offset);
            if (read == 0)
            {
                break;
            }

            offset += read;
        }

        return offset;
    }

    /// <summary>A byte count for messages: "3,221,225,472 bytes".</summary>
    public static string Bytes(long count) => count.ToString("N0", CultureInfo.InvariantCulture) + (count == 1 ? " byte" : " bytes");

    /// <summary>One reason for a .NET IO exception, without the path .NET puts in its own messages (ours comes first).</summary>
    private static UserFileException Explain(string path, Exception e, string action) => e switch
    {
        FileNotFoundException => new(path, UserFileProblem.NotFound, $"{action}: no such file", e),
        DirectoryNotFoundException => new(path, UserFileProblem.NotFound, $"{action}: a folder on its path does not exist", e),
        UnauthorizedAccessException => new(path, UserFileProblem.AccessDenied, $"{action}: permission denied", e),
        PathTooLongException => new(path, UserFileProblem.Unreadable, $"{action}: the path is too long", e),
        IOException when OperatingSystem.IsLinux() && e.HResult == LinuxSymbolicLinkLoop =>
            new(path, UserFileProblem.SymbolicLinkLoop, $"{action}: too many levels of symbolic links (a link loop)", e),
        _ => new(path, UserFileProblem.Unreadable, $"{action}: {WithoutPaths(e.Message)}", e),
    };

    private static string WithoutPaths(string message)
    {
        int quote = message.IndexOf(" : '", StringComparison.Ordinal);
        return (quote > 0 ? message[..quote] : message).TrimEnd('.');
    }
}

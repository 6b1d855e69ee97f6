using System.IO.Compression;

namespace ModelCompiler.Samples.Fashion;

/// <summary>The idx files of (Fashion-)MNIST: gzip-compressed big-endian headers followed by raw bytes.</summary>
internal static class IdxImages
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Reads an idx3 image file: returns (count, rows, columns, pixels row-major per image).</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        byte[] data = ReadAll(path);
        if (data.Length < 16 || ReadInt(data, 0) != 0x0803)
        {
            throw new InvalidDataException($"{path} is not an idx3 image file");
        }

        int count = ReadInt(data, 4), rows = ReadInt(data, 8), columns = ReadInt(data, 12);
        long expected = 16L + (long)count * rows * columns;
        if (count < 0 || rows < 1 || columns < 1 || data.Length != expected)
        {
            throw new InvalidDataException($"{path}: header says {count} images of {rows}x{columns} but the file holds {data.Length - 16} pixel bytes");
        }

        return (count, rows, columns, data[16..]);
    }

    /// <summary>Reads an idx1 label file.</summary>
    public static byte[] ReadLabels(string path)
    {
        byte[] data = ReadAll(path);
        if (data.Length < 8 || ReadInt(data, 0) != 0x0801 || ReadInt(data, 4) != data.Length - 8)
        {
            throw new InvalidDataException($"{path} is not an idx1 label file");
        }

        return data[8..];
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} not found. Fashion-MNIST comes from the Debian package: sudo apt-get install dataset-fashion-mnist", path);
        }

        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static int ReadInt(byte[] data, int offset) =>
        (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];
}

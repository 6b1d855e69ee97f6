using System.Buffers.Binary;
using ModelCompiler.IO;

namespace ModelCompiler.Imaging;

/// <summary>
/// A BMP's headers as stb_image reads them (core header of 12 bytes, or the 40/56/108/124-byte info headers;
/// uncompressed or bit fields), and whether the file holds all the rows its header declares.
/// </summary>
internal static class BmpStructure
{
    private const int FileHeaderLength = 14;

    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < FileHeaderLength + 16)
        {
            throw new InvalidImageException(ImageProblem.Truncated, $"truncated BMP: ends inside its header ({data.Length} bytes)");
        }

        long offset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(data[FileHeaderLength..]);
        if (headerLength is not (12 or 40 or 56 or 108 or 124))
        {
            throw Corrupt($"unknown info header length {headerLength}");
        }

        long width, height;
        int bitsPerPixel, compression = 0;
        if (headerLength == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
        }
        else
        {
            if (data.Length < FileHeaderLength + 20)
            {
                throw new InvalidImageException(ImageProblem.Truncated, $"truncated BMP: ends inside its header ({data.Length} bytes)");
            }

            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..])); // negative: rows stored top-down
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(data[30..]);
        }

        if (width <= 0 || height <= 0 || height > int.MaxValue)
        {
            throw Corrupt($"header declares {width} x {height} pixels");
        }

        if (bitsPerPixel is not (1 or 4 or 8 or 16 or 24 or 32))
        {
            throw Corrupt($"{bitsPerPixel} bits per pixel");
        }

        if (compression is not (0 or 3 or 6))
        {
            throw new InvalidImageException(ImageProblem.UnsupportedFormat, $"compressed BMP (compression {compression}: RLE, JPEG or PNG inside) is not supported");
        }

        if (offset < FileHeaderLength + headerLength)
        {
            throw Corrupt($"pixel data offset {offset} lies inside the headers");
        }

        long rowBytes = ((width * bitsPerPixel) + 31) / 32 * 4;
        long needed = offset + (rowBytes * height);
        string? truncation = null;
        if (data.Length < needed)
        {
            if (data.Length <= offset)
            {
                throw new InvalidImageException(ImageProblem.Truncated, $"truncated BMP: ends before its pixel data at byte {offset} ({data.Length} bytes)");
            }

            truncation = $"holds {UserFile.Bytes(data.Length - offset)} of the {UserFile.Bytes(rowBytes * height)} of pixel data its header declares";
        }

        return new ImageHeader(ImageFormat.Bmp, (int)Math.Min(width, int.MaxValue), (int)height, truncation);
    }

    private static InvalidImageException Corrupt(string reason) => new(ImageProblem.Corrupt, "corrupt BMP: " + reason);
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelCompiler.Imaging;

/// <summary>
/// Walks a PNG's chunks without decoding: IHDR (size, depth, colour type, interlacing), where the IDAT data lies, and
/// whether IEND comes. Then <see cref="InflatedLength"/> inflates the IDAT stream once, discarding the output, to
/// check that it is no longer than the header's size needs: stb_image grows its buffer for as long as the stream goes
/// on, so a 1 MB file whose data inflates to 1 GB would otherwise take 1 GB.
/// </summary>
internal static class PngStructure
{
    private const uint Ihdr = 0x49484452, Idat = 0x49444154, Iend = 0x49454E44, CgBI = 0x43674249;
    private const int SignatureLength = 8;

    /// <summary>The chunk walk: the header, the IDAT byte ranges in file order, and the raw size the header implies.</summary>
    public sealed record Layout(ImageHeader Header, IReadOnlyList<Range> ImageData, long RawLength, bool RawDeflate, int FirstImageDataChunk);

    public static Layout Read(ReadOnlySpan<byte> data)
    {
        int position = SignatureLength;
        int width = 0, height = 0;
        long rawLength = 0;
        bool rawDeflate = false;
        int firstImageData = -1;
        var imageData = new List<Range>();
        string? truncation = null;
        while (true)
        {
            if (position + 8 > data.Length)
            {
                truncation = position == data.Length ? "has no IEND chunk" : $"ends inside a chunk header at byte {position}";
                break;
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[position..]);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(data[(position + 4)..]);
            if (length > int.MaxValue)
            {
                throw Corrupt($"chunk {Name(type)} at byte {position} declares {length} bytes");
            }

            int start = position + 8;
            long end = (long)start + length;
            bool complete = end + 4 <= data.Length;
            if (width == 0 && type != Ihdr && type != CgBI)
            {
                throw Corrupt($"the first chunk is {Name(type)}, not IHDR");
            }

            if (type == CgBI)
            {
                rawDeflate = true; // Apple's variant: raw deflate without the zlib header, as stb_image reads it
            }
            else if (type == Ihdr)
            {
                if (width != 0 || length != 13 || !complete)
                {
                    throw !complete ? new InvalidImageException(ImageProblem.Truncated, "truncated PNG: ends inside its IHDR header") : Corrupt("bad or repeated IHDR chunk");
                }

                (width, height, rawLength) = ReadHeader(data.Slice(start, 13));
            }
            else if (type == Idat)
            {
                firstImageData = firstImageData < 0 ? position : firstImageData;
                imageData.Add(new Range(start, (int)Math.Min(end, data.Length)));
            }
            else if (type == Iend)
            {
                break;
            }

            if (!complete)
            {
                truncation = $"chunk {Name(type)} at byte {position} declares {length} bytes, past the end of the file ({data.Length} bytes)";
                break;
            }

            position = (int)end + 4; // the CRC, which stb_image does not check either
        }

        if (width == 0)
        {
            throw new InvalidImageException(ImageProblem.Truncated, "truncated PNG: ends before its IHDR header");
        }

        if (imageData.Count == 0)
        {
            throw truncation is null ? Corrupt("has no image data (IDAT)") : new InvalidImageException(ImageProblem.Truncated, $"truncated PNG: {truncation}, before any image data");
        }

        return new Layout(new ImageHeader(ImageFormat.Png, width, height, truncation), imageData, rawLength, rawDeflate, firstImageData);
    }

    /// <summary>
    /// Inflates the IDAT stream, keeping at most <paramref name="keep"/> bytes of output (0: keep nothing), and stops
    /// as soon as it passes <see cref="Layout.RawLength"/>. Returns the inflated length (RawLength + 1 when longer).
    /// </summary>
    public static long InflatedLength(byte[] data, Layout layout, byte[]? keep = null)
    {
        using var compressed = new ChunkStream(data, layout.ImageData);
        using Stream inflater = layout.RawDeflate ? new DeflateStream(compressed, CompressionMode.Decompress) : new ZLibStream(compressed, CompressionMode.Decompress);
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            while (total <= layout.RawLength)
            {
                int read = inflater.Read(buffer, 0, (int)Math.Min(buffer.Length, layout.RawLength + 1 - total));
                if (read == 0)
                {
                    break;
                }

                if (keep is not null && total < keep.Length)
                {
                    buffer.AsSpan(0, (int)Math.Min(read, keep.Length - total)).CopyTo(keep.AsSpan((int)total));
                }

                total += read;
            }
        }
        // .NET 10's zlib-ng streams report some bad data as the internal ZLibException (an IOException) rather than an
        // InvalidDataException (ImageFuzzTests.LargeSweep met one); the source is memory, so any IOException is the data's.
        catch (Exception e) when (e is InvalidDataException or IOException && layout.Header.Truncation is not null)
        {
            // A cut stream may end mid-symbol; what was inflated so far stands.
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw Corrupt($"image data does not inflate ({e.Message})");
        }

        return total;
    }

    /// <summary>
    /// A complete PNG made of <paramref name="data"/>'s chunks before the first IDAT, one IDAT holding
    /// <paramref name="raw"/> (the inflated rows so far, zero-padded to the header's size), and IEND: what a cut file
    /// would have been with its missing rows unfiltered zeros. CRCs are zero; stb_image does not check them.
    /// </summary>
    public static byte[] Repair(byte[] data, Layout layout, byte[] raw)
    {
        using var output = new MemoryStream();
        output.Write(data, 0, layout.FirstImageDataChunk);
        using var compressed = new MemoryStream();
        using (var deflater = layout.RawDeflate ? (Stream)new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true) : new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(raw);
        }

        WriteChunk(output, Idat, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, Iend, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, uint type, ReadOnlySpan<byte> content)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)content.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], type);
        output.Write(header);
        output.Write(content);
        output.Write(stackalloc byte[4]);
    }

    /// <summary>Width, height, and the inflated length of the scanlines (with their filter bytes, per Adam7 pass if interlaced).</summary>
    private static (int Width, int Height, long RawLength) ReadHeader(ReadOnlySpan<byte> ihdr)
    {
        uint width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        byte depth = ihdr[8], colour = ihdr[9], interlace = ihdr[12];
        int channels = colour switch
        {
            0 when depth is 1 or 2 or 4 or 8 or 16 => 1,
            2 when depth is 8 or 16 => 3,
            3 when depth is 1 or 2 or 4 or 8 => 1,
            4 when depth is 8 or 16 => 2,
            6 when depth is 8 or 16 => 4,
            _ => throw Corrupt($"colour type {colour} with bit depth {depth} is not a PNG pixel format"),
        };
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw Corrupt($"header declares {width} x {height} pixels");
        }

        if (ihdr[10] != 0 || ihdr[11] != 0 || interlace > 1)
        {
            throw Corrupt("unknown compression, filter or interlace method");
        }

        if ((double)width * height * channels * depth > 1e15)
        {
            return ((int)width, (int)height, long.MaxValue); // far past any pixel limit; the caller refuses it
        }

        long bitsPerPixel = channels * depth;
        long Rows(long w, long h) => w == 0 || h == 0 ? 0 : h * (1 + ((w * bitsPerPixel) + 7) / 8);
        long raw = interlace == 0
            ? Rows(width, height)
            : Rows((width + 7) / 8, (height + 7) / 8) + Rows((width + 3) / 8, (height + 7) / 8) + Rows((width + 3) / 4, (height + 3) / 8)
              + Rows((width + 1) / 4, (height + 3) / 4) + Rows((width + 1) / 2, (height + 1) / 4) + Rows(width / 2, (height + 1) / 2)
              + Rows(width, height / 2);
        return ((int)width, (int)height, raw);
    }

    private static string Name(uint type)
    {
        Span<char> name = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            byte b = (byte)(type >> (24 - 8 * i));
            name[i] = b is >= 0x20 and < 0x7F ? (char)b : '?';
        }

        return new string(name);
    }

    private static InvalidImageException Corrupt(string reason) => new(ImageProblem.Corrupt, "corrupt PNG: " + reason);

    /// <summary>The IDAT chunks' contents as one read-only stream, as the zlib stream they jointly hold.</summary>
    private sealed class ChunkStream(byte[] data, IReadOnlyList<Range> ranges) : Stream
    {
        private int chunk;
        private int offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int bufferOffset, int count) => Read(buffer.AsSpan(bufferOffset, count));

        public override int Read(Span<byte> buffer)
        {
            while (chunk < ranges.Count)
            {
                var (start, length) = ranges[chunk].GetOffsetAndLength(data.Length);
                if (offset < length)
                {
                    int n = Math.Min(buffer.Length, length - offset);
                    data.AsSpan(start + offset, n).CopyTo(buffer);
                    offset += n;
                    return n;
                }

                chunk++;
                offset = 0;
            }

            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

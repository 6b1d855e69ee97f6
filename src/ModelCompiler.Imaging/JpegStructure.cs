using System.Buffers.Binary;
using ModelCompiler.IO;

namespace ModelCompiler.Imaging;

/// <summary>
/// Walks a JPEG's markers from SOI to EOI without decoding: every segment length must stay inside the file (StbImageSharp
/// 2.30.16 loops forever on one that does not, e.g. a file cut inside its APP0 header), the frame header gives the
/// size, and the entropy-coded data of each scan is skipped to the next marker. A file that ends inside its image data
/// or before EOI is truncated (decodable with a warning); one that ends before any image data is truncated beyond use;
/// one whose markers make no sense is corrupt. Stray bytes between segments are skipped, as stb_image does.
/// </summary>
internal static class JpegStructure
{
    private const byte StartOfScan = 0xDA, EndOfImage = 0xD9, StartOfImage = 0xD8;

    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        int width = 0, height = 0;
        bool frame = false, scan = false;
        int position = 2;
        while (true)
        {
            int marked = position < data.Length ? data[position..].IndexOf((byte)0xFF) : -1;
            if (marked >= 0)
            {
                position += marked;
            }

            while (marked >= 0 && position < data.Length && data[position] == 0xFF)
            {
                position++; // fill bytes
            }

            if (marked < 0 || position >= data.Length)
            {
                return Truncated(scan, width, height, $"ends without an end-of-image marker after {UserFile.Bytes(data.Length)}");
            }

            byte marker = data[position++];
            if (marker == EndOfImage)
            {
                return scan ? new ImageHeader(ImageFormat.Jpeg, width, height, null) : throw Corrupt("ends before its image data (end-of-image marker before any scan)");
            }

            if (marker is StartOfImage or 0x00)
            {
                throw Corrupt($"unexpected marker 0x{marker:X2} at byte {position - 1}");
            }

            if (marker is (>= 0xD0 and <= 0xD7) or 0x01)
            {
                continue; // restart markers and TEM have no length
            }

            if (position + 2 > data.Length)
            {
                return Truncated(scan, width, height, $"ends inside the length of segment 0x{marker:X2} at byte {position - 1}");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            if (length < 2)
            {
                throw Corrupt($"segment 0x{marker:X2} at byte {position - 2} declares length {length}");
            }

            if (position + length > data.Length)
            {
                return Truncated(scan, width, height, $"segment 0x{marker:X2} at byte {position - 2} declares {length} bytes, past the end of the file ({UserFile.Bytes(data.Length)})");
            }

            if (IsFrameHeader(marker) && !frame)
            {
                if (length < 8)
                {
                    throw Corrupt($"frame header at byte {position - 2} is {length} bytes long");
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 3)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 5)..]);
                if (width == 0 || height == 0)
                {
                    throw Corrupt($"frame header declares {width} x {height} pixels");
                }

                frame = true;
            }

            position += length;
            if (marker == StartOfScan)
            {
                if (!frame)
                {
                    throw Corrupt("a scan comes before the frame header");
                }

                scan = true;
                position = SkipEntropyCodedData(data, position);
                if (position >= data.Length)
                {
                    return Truncated(scan, width, height, $"ends inside its image data, after {UserFile.Bytes(data.Length)}");
                }
            }
        }
    }

    /// <summary>SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).</summary>
    private static bool IsFrameHeader(byte marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);

    /// <summary>The position of the first marker after a scan's data (0xFF followed by neither 0x00, 0xFF nor RSTn), or the end.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> data, int position)
    {
        while (true)
        {
            int next = data[position..].IndexOf((byte)0xFF);
            if (next < 0)
            {
                return data.Length;
            }

            position += next;
            int after = position + 1;
            while (after < data.Length && data[after] == 0xFF)
            {
                after++;
            }

            if (after >= data.Length)
            {
                return data.Length;
            }

            if (data[after] != 0x00 && data[after] is not (>= 0xD0 and <= 0xD7))
            {
                return after - 1;
            }

            position = after + 1;
        }
    }

    /// <summary>
    /// A file cut after its first scan began still decodes (the decoder fills the rest from missing data); one cut
    /// before that holds no pixels at all.
    /// </summary>
    private static ImageHeader Truncated(bool scan, int width, int height, string reason) =>
        scan ? new(ImageFormat.Jpeg, width, height, reason) : throw new InvalidImageException(ImageProblem.Truncated, "truncated JPEG: " + reason + ", before any image data");

    private static InvalidImageException Corrupt(string reason) => new(ImageProblem.Corrupt, "corrupt JPEG: " + reason);
}

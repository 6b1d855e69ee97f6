namespace ModelCompiler.Trainer.Data;

/// <summary>
/// Walks a JPEG's marker segments up to the start of scan and checks that each declared length stays inside the
/// file. StbImageSharp 2.30.16 loops forever on a segment that runs past the end (e.g. a file cut inside its APP0
/// header), so such files must be rejected before they reach the decoder.
/// </summary>
public static class JpegHeaderCheck
{
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0xFF && data[1] == 0xD8;

    /// <summary>Null when the headers are sound, otherwise why not.</summary>
    public static string? Problem(ReadOnlySpan<byte> data)
    {
        int position = 2;
        while (true)
        {
            if (position >= data.Length || data[position] != 0xFF)
            {
                return $"truncated or corrupt JPEG header at byte {position}";
            }

            while (position < data.Length && data[position] == 0xFF)
            {
                position++; // fill bytes
            }

            if (position >= data.Length)
            {
                return "JPEG ends inside a marker";
            }

            byte marker = data[position++];
            if (marker == 0xD9)
            {
                return "JPEG ends before its image data";
            }

            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                continue; // markers without a length
            }

            if (position + 2 > data.Length)
            {
                return "JPEG ends inside a segment length";
            }

            int length = (data[position] << 8) | data[position + 1];
            if (length < 2 || position + length > data.Length)
            {
                return $"JPEG segment 0x{marker:X2} at byte {position - 2} declares {length} bytes, past the end of the file";
            }

            position += length;
            if (marker == 0xDA)
            {
                return position < data.Length ? null : "JPEG has no scan data";
            }
        }
    }
}

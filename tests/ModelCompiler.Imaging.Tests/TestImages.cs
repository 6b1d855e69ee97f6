using System.Buffers.Binary;
using System.IO.Compression;
using StbImageWriteSharp;

namespace ModelCompiler.Imaging.Tests;

/// <summary>
/// Images made in the test, in every format and pixel layout the opener accepts: JPEG and BMP through
/// StbImageWriteSharp; PNG and GIF by small encoders here, because StbImageWriteSharp writes neither interlaced,
/// palette nor 16-bit PNGs, nor GIFs.
/// </summary>
internal static class TestImages
{
    /// <summary>A smooth RGB pattern with seeded noise, so JPEG keeps it recognisable.</summary>
    public static byte[] Rgb(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = ((y * width) + x) * 3;
                pixels[i] = (byte)Math.Clamp((x * 255 / Math.Max(1, width - 1)) + random.Next(-8, 9), 0, 255);
                pixels[i + 1] = (byte)Math.Clamp((y * 255 / Math.Max(1, height - 1)) + random.Next(-8, 9), 0, 255);
                pixels[i + 2] = (byte)Math.Clamp(128 + random.Next(-40, 41), 0, 255);
            }
        }

        return pixels;
    }

    public static byte[] Jpeg(byte[] rgb, int width, int height, int quality = 90)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(rgb, width, height, ColorComponents.RedGreenBlue, stream, quality);
        return stream.ToArray();
    }

    public static byte[] Bmp(byte[] rgb, int width, int height)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WriteBmp(rgb, width, height, ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    /// <summary>PNG through StbImageWriteSharp (8-bit RGB, not interlaced), the common case.</summary>
    public static byte[] StbPng(byte[] rgb, int width, int height)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(rgb, width, height, ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// A PNG of any colour type (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA), bit depth and interlacing.
    /// <paramref name="sample"/>(x, y, channel) gives each sample in [0, 2^depth); palette images get a grey ramp.
    /// </summary>
    public static byte[] Png(int width, int height, int colourType, int depth, bool interlaced, Func<int, int, int, int> sample)
    {
        int channels = colourType switch { 0 or 3 => 1, 2 => 3, 4 => 2, _ => 4 };
        var raw = new MemoryStream();
        foreach (var (x0, y0, dx, dy) in interlaced ? Adam7 : [(0, 0, 1, 1)])
        {
            int w = (width - x0 + dx - 1) / dx, h = (height - y0 + dy - 1) / dy;
            if (w <= 0 || h <= 0)
            {
                continue;
            }

            for (int row = 0; row < h; row++)
            {
                raw.WriteByte(0); // filter: none
                var bits = new BitWriter(raw);
                for (int col = 0; col < w; col++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        bits.Write(sample(x0 + (col * dx), y0 + (row * dy), c), depth);
                    }
                }

                bits.Flush();
            }
        }

        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colourType;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        Chunk(png, "IHDR", ihdr);
        if (colourType == 3)
        {
            int entries = 1 << depth;
            var palette = new byte[entries * 3];
            for (int i = 0; i < entries; i++)
            {
                palette[i * 3] = palette[(i * 3) + 1] = palette[(i * 3) + 2] = (byte)(i * 255 / (entries - 1));
            }

            Chunk(png, "PLTE", palette);
        }

        Chunk(png, "IDAT", Zlib(raw.ToArray()));
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A PNG whose header says <paramref name="width"/> x <paramref name="height"/> 8-bit RGB (or grey, colour type 0)
    /// and whose data inflates to <paramref name="inflated"/> zero bytes.
    /// </summary>
    public static byte[] PngWithData(int width, int height, long inflated, int colourType = 2)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (long left = inflated; left > 0; left -= zeros.Length)
            {
                zlib.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            }
        }

        return PngWithImageData(width, height, colourType, compressed.ToArray());
    }

    /// <summary>An 8-bit PNG of colour type 0 or 2 around <paramref name="idat"/>, the zlib stream of its scanlines.</summary>
    public static byte[] PngWithImageData(int width, int height, int colourType, byte[] idat)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = (byte)colourType;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A GIF89a of 8-bit grey pixels in [0, 256) (a grey-ramp global palette), LZW-coded without compression: 9-bit
    /// codes, a clear code every 254 pixels so the code width never grows.
    /// </summary>
    public static byte[] Gif(int width, int height, Func<int, int, int> grey)
    {
        var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        Span<byte> screen = stackalloc byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(screen, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(screen[2..], (ushort)height);
        screen[4] = 0xF7; // global colour table of 256 entries
        gif.Write(screen);
        for (int i = 0; i < 256; i++)
        {
            gif.Write([(byte)i, (byte)i, (byte)i]);
        }

        gif.WriteByte(0x2C);
        Span<byte> descriptor = stackalloc byte[9];
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[4..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[6..], (ushort)height);
        gif.Write(descriptor);
        gif.WriteByte(8); // minimum code size
        var codes = new MemoryStream();
        var bits = new LsbBitWriter(codes);
        int sinceClear = 0;
        bits.Write(256, 9);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (sinceClear == 254)
                {
                    bits.Write(256, 9);
                    sinceClear = 0;
                }

                bits.Write(grey(x, y), 9);
                sinceClear++;
            }
        }

        bits.Write(257, 9);
        bits.Flush();
        byte[] data = codes.ToArray();
        for (int i = 0; i < data.Length; i += 255)
        {
            int n = Math.Min(255, data.Length - i);
            gif.WriteByte((byte)n);
            gif.Write(data, i, n);
        }

        gif.WriteByte(0);
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    public static byte[] Zlib(byte[] raw, CompressionLevel level = CompressionLevel.Optimal)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        return compressed.ToArray();
    }

    public static void Chunk(Stream png, string type, byte[] content)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, content.Length);
        png.Write(length);
        png.Write(System.Text.Encoding.ASCII.GetBytes(type));
        png.Write(content);
        png.Write(stackalloc byte[4]); // CRC: not checked by the opener or stb_image
    }

    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>PNG packs samples most significant bit first.</summary>
    private sealed class BitWriter(Stream output)
    {
        private int buffer;
        private int count;

        public void Write(int value, int bits)
        {
            for (int i = bits - 1; i >= 0; i--)
            {
                buffer = (buffer << 1) | ((value >> i) & 1);
                if (++count == 8)
                {
                    output.WriteByte((byte)buffer);
                    buffer = count = 0;
                }
            }
        }

        public void Flush()
        {
            if (count > 0)
            {
                output.WriteByte((byte)(buffer << (8 - count)));
                buffer = count = 0;
            }
        }
    }

    /// <summary>GIF packs LZW codes least significant bit first.</summary>
    private sealed class LsbBitWriter(Stream output)
    {
        private int buffer;
        private int count;

        public void Write(int value, int bits)
        {
            buffer |= value << count;
            count += bits;
            while (count >= 8)
            {
                output.WriteByte((byte)buffer);
                buffer >>= 8;
                count -= 8;
            }
        }

        public void Flush()
        {
            if (count > 0)
            {
                output.WriteByte((byte)buffer);
                buffer = count = 0;
            }
        }
    }
}

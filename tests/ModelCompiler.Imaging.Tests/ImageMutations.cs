using System.Buffers.Binary;

namespace ModelCompiler.Imaging.Tests;

/// <summary>
/// Seeded hostile images for the fuzz tests: well-formed PNG (several layouts), JPEG, BMP and GIF files, then
/// truncated, bit-flipped, field-overwritten, oversized (header dimensions raised), spliced and random variants.
/// The same seed gives the same files on every run and machine.
/// </summary>
internal static class ImageMutations
{
    /// <summary>The well-formed seeds, small so thousands of cases take seconds.</summary>
    public static IReadOnlyList<(string Name, byte[] Data)> Seeds { get; } = CreateSeeds();

    /// <summary>Case <paramref name="index"/> of the stream that <paramref name="seed"/> starts: a name saying how it was made, and the bytes.</summary>
    public static (string Name, byte[] Data) Case(int seed, int index)
    {
        var random = new Random(HashCode.Combine(seed, index) & int.MaxValue);
        var (name, data) = Seeds[random.Next(Seeds.Count)];
        int kind = random.Next(10);
        byte[] mutated = kind switch
        {
            0 => data[..random.Next(data.Length)],
            1 => FlipBits(data, random),
            2 => SetField(data, random),
            3 => Oversize(name, data, random),
            4 => Insert(data, random),
            5 => Delete(data, random),
            6 => Repeat(data, random),
            7 => [.. data[..Math.Min(data.Length, random.Next(2, 40))], .. Bytes(random, random.Next(0, 4000))],
            8 => Splice(data, Seeds[random.Next(Seeds.Count)].Data, random),
            _ => FlipBits(data[..random.Next(data.Length)], random),
        };
        string[] kinds = ["truncated", "bit flips", "field set", "oversized", "insertion", "deletion", "repetition", "random body", "splice", "truncated + flips"];
        return ($"{name} {kinds[kind]} #{index}", mutated);
    }

    private static List<(string, byte[])> CreateSeeds()
    {
        var rgb = TestImages.Rgb(48, 40, seed: 11);
        return
        [
            ("png-rgb8", TestImages.StbPng(rgb, 48, 40)),
            ("png-grey16-interlaced", TestImages.Png(33, 17, 0, 16, true, (x, y, c) => (x * 1999) + (y * 3001))),
            ("png-palette4", TestImages.Png(20, 20, 3, 4, false, (x, y, c) => (x + y) % 16)),
            ("png-rgba8-interlaced", TestImages.Png(25, 19, 6, 8, true, (x, y, c) => ((x * 9) + (y * 5) + (c * 60)) % 256)),
            ("jpeg-q90", TestImages.Jpeg(rgb, 48, 40)),
            ("jpeg-q30-big", TestImages.Jpeg(TestImages.Rgb(120, 90, seed: 12), 120, 90, quality: 30)),
            ("bmp-rgb24", TestImages.Bmp(rgb, 48, 40)),
            ("gif", TestImages.Gif(30, 22, (x, y) => (x * 8) + y)),
        ];
    }

    private static byte[] FlipBits(byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        for (int i = random.Next(1, 9); i > 0 && copy.Length > 0; i--)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    /// <summary>Overwrites a 1, 2 or 4-byte field (either byte order) with an edge value, near the start where headers are.</summary>
    private static byte[] SetField(byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        int width = new[] { 1, 2, 4 }[random.Next(3)];
        if (copy.Length < width)
        {
            return copy;
        }

        int at = random.Next(Math.Min(copy.Length - width + 1, random.Next(2) == 0 ? 64 : copy.Length - width + 1));
        uint value = new uint[] { 0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF, 18000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, (uint)random.Next() }[random.Next(12)];
        var field = copy.AsSpan(at, width);
        if (width == 1)
        {
            field[0] = (byte)value;
        }
        else if (width == 2)
        {
            if (random.Next(2) == 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value);
            }
        }
        else if (random.Next(2) == 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(field, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(field, value);
        }

        return copy;
    }

    /// <summary>Raises the dimensions in the header (and only there), the way a hostile file declares a huge image.</summary>
    private static byte[] Oversize(string name, byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        int big = new[] { 1025, 18000, 65535, 1 << 20, int.MaxValue }[random.Next(5)];
        if (name.StartsWith("png", StringComparison.Ordinal))
        {
            BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), random.Next(2) == 0 ? big : 48);
            BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(20), big);
        }
        else if (name.StartsWith("jpeg", StringComparison.Ordinal))
        {
            int sof = copy.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
            if (sof > 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 5), (ushort)Math.Min(big, 65535));
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 7), (ushort)Math.Min(big, 65535));
            }
        }
        else if (name.StartsWith("bmp", StringComparison.Ordinal))
        {
            BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(18), big);
            BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(22), random.Next(2) == 0 ? -big : big);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(6), (ushort)Math.Min(big, 65535));
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(8), (ushort)Math.Min(big, 65535));
        }

        return copy;
    }

    private static byte[] Insert(byte[] data, Random random)
    {
        int at = random.Next(data.Length + 1);
        return [.. data[..at], .. Bytes(random, random.Next(1, 64)), .. data[at..]];
    }

    private static byte[] Delete(byte[] data, Random random)
    {
        int at = random.Next(data.Length);
        int count = Math.Min(data.Length - at, random.Next(1, 64));
        return [.. data[..at], .. data[(at + count)..]];
    }

    private static byte[] Repeat(byte[] data, Random random)
    {
        int at = random.Next(data.Length);
        int count = Math.Min(data.Length - at, random.Next(1, 200));
        var piece = data[at..(at + count)];
        var result = new List<byte>(data[..(at + count)]);
        for (int i = random.Next(1, 50); i > 0; i--)
        {
            result.AddRange(piece);
        }

        result.AddRange(data[(at + count)..]);
        return [.. result];
    }

    private static byte[] Splice(byte[] first, byte[] second, Random random) =>
        [.. first[..random.Next(first.Length)], .. second[random.Next(second.Length)..]];

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

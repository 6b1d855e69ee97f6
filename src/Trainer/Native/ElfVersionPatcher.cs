using System.Buffers.Binary;
using System.Text;

namespace ModelCompiler.Trainer.Native;

/// <summary>
/// Marks one symbol-version requirement of an ELF64 shared library as weak (<c>VER_FLG_WEAK</c> in the
/// <c>vna_flags</c> of its <c>Vernaux</c> entry in <c>.gnu.version_r</c>). The dynamic loader then accepts a
/// libstdc++ that lacks that version instead of refusing the whole library. TorchSharp 0.107's
/// <c>libLibTorchSharp.so</c> asks for <c>GLIBCXX_3.4.32</c> (GCC 13) only for <c>_ZSt21ios_base_library_initv</c>,
/// which nothing calls, while Debian 12 ships 3.4.30.
/// </summary>
public static class ElfVersionPatcher
{
    private const ushort VerFlagWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>What <see cref="MarkWeak"/> found or did.</summary>
    public enum Outcome
    {
        /// <summary>The library does not require that version: nothing to do.</summary>
        NotRequired,
        /// <summary>The requirement was already weak: the file was not touched.</summary>
        AlreadyWeak,
        /// <summary>The flag was set, written to a temporary file, verified and renamed over the original.</summary>
        Patched,
    }

    /// <summary>
    /// Idempotently marks the requirement of <paramref name="versionName"/> weak in <paramref name="path"/>.
    /// The file is replaced atomically (temporary file + rename), so a process that has the old file mapped keeps
    /// a consistent copy and a crash leaves either the old or the new file.
    /// </summary>
    public static Outcome MarkWeak(string path, string versionName)
    {
        byte[] image = File.ReadAllBytes(path);
        var entries = FindVernaux(image, versionName);
        if (entries.Count == 0)
        {
            return Outcome.NotRequired;
        }

        bool changed = false;
        foreach (int flagsOffset in entries)
        {
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(flagsOffset));
            if ((flags & VerFlagWeak) == 0)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(flagsOffset), (ushort)(flags | VerFlagWeak));
                changed = true;
            }
        }

        if (!changed)
        {
            return Outcome.AlreadyWeak;
        }

        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, image);
            if (!IsWeak(File.ReadAllBytes(temporary), versionName))
            {
                throw new InvalidDataException($"{path}: the patched copy does not read back with {versionName} weak");
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return Outcome.Patched;
    }

    /// <summary>True when every requirement of <paramref name="versionName"/> in the image is weak (or there is none).</summary>
    public static bool IsWeak(byte[] image, string versionName) =>
        FindVernaux(image, versionName).All(o => (BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(o)) & VerFlagWeak) != 0);

    /// <summary>File offsets of the <c>vna_flags</c> fields of every Vernaux entry naming <paramref name="versionName"/>.</summary>
    public static List<int> FindVernaux(byte[] image, string versionName)
    {
        var span = image.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (span[4] != 2 || span[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
        }

        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        if (entrySize < 64 || sectionTable + (ulong)(entrySize * count) > (ulong)span.Length)
        {
            throw new InvalidDataException("the section header table lies outside the file");
        }

        uint wantedHash = ElfHash(versionName);
        var found = new List<int>();
        for (int s = 0; s < count; s++)
        {
            var header = span.Slice(checked((int)sectionTable + s * entrySize), entrySize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed)
            {
                continue;
            }

            int offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]));
            int size = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]));
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            int needCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x2C..]);
            if (link >= count || offset < 0 || offset + size > span.Length)
            {
                throw new InvalidDataException("the version-needed section is malformed");
            }

            var strings = span.Slice(checked((int)sectionTable + link * entrySize), entrySize);
            int stringsOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(strings[0x18..]));
            int stringsSize = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(strings[0x20..]));
            var table = span.Slice(stringsOffset, stringsSize);

            int need = offset;
            for (int n = 0; n < needCount; n++)
            {
                Require(need, 16, offset, size);
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    Require(aux, 16, offset, size);
                    uint hash = BinaryPrimitives.ReadUInt32LittleEndian(span[aux..]);
                    int name = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]);
                    if (hash == wantedHash && ReadString(table, name) == versionName)
                    {
                        found.Add(aux + 4);
                    }

                    uint nextAux = BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += (int)nextAux;
                }

                uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }
        }

        return found;
    }

    /// <summary>The System V ELF hash, which <c>vna_hash</c> holds for the version name.</summary>
    public static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (byte b in Encoding.ASCII.GetBytes(name))
        {
            h = (h << 4) + b;
            uint g = h & 0xf0000000;
            if (g != 0)
            {
                h ^= g >> 24;
            }

            h &= ~g;
        }

        return h;
    }

    private static void Require(int position, int length, int sectionOffset, int sectionSize)
    {
        if (position < sectionOffset || position + length > sectionOffset + sectionSize)
        {
            throw new InvalidDataException("a version-needed entry points outside its section");
        }
    }

    private static string ReadString(ReadOnlySpan<byte> table, int start)
    {
        if (start < 0 || start >= table.Length)
        {
            throw new InvalidDataException("a version name points outside the string table");
        }

        int end = table[start..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? table[start..] : table.Slice(start, end));
    }
}

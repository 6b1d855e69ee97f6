using System.Buffers.Binary;
using System.Text;

namespace ModelCompiler.Import.Tflite;

/// <summary>
/// Bounds-checked reading of a FlatBuffers binary: every offset, vtable and vector length is checked against the
/// file before it is followed, and a broken one throws <see cref="FlatBufferFormatException"/> naming the table and
/// field (<c>model.subgraphs[0].tensors[12].shape</c>). Google.FlatBuffers' own verifier is not used: in 25.2.10 it
/// converts table positions to Int16 (<c>GetVRelOffset</c>), so in any file over 32 KiB it treats fields as absent
/// and prints the exception to the console instead of failing (see docs/import.md).
/// </summary>
/// <remarks>
/// Termination and memory: tables are only reached through unsigned forward offsets (<c>uoffset</c>), so references
/// never form a cycle; vectors are checked against the bytes that remain before anything is allocated; and the bytes
/// materialised in total are capped at a few times the file's size (<see cref="ReadBudget"/>), so a file whose
/// tables all share one large vector cannot make the reader copy it a million times.
/// </remarks>
internal sealed class FlatBufferReader
{
    private readonly byte[] _data;
    private long _budget;

    public FlatBufferReader(byte[] data)
    {
        _data = data;
        _budget = ReadBudget(data.Length);
    }

    public int Length => _data.Length;

    /// <summary>Bytes of vectors and strings the reader may materialise from a file of <paramref name="fileLength"/> bytes.</summary>
    public static long ReadBudget(int fileLength) => 4L * fileLength + (1 << 20);

    /// <summary>The root table, after checking the 4-byte file identifier at offset 4.</summary>
    public FlatTable Root(string fileIdentifier, string path)
    {
        if (_data.Length < 8)
        {
            throw new FlatBufferFormatException(path, $"the file has {_data.Length} bytes, fewer than a flatbuffer's 8-byte header");
        }

        string identifier = Encoding.ASCII.GetString(_data, 4, 4);
        if (identifier != fileIdentifier)
        {
            throw new FlatBufferFormatException(path, $"file identifier '{Printable(identifier)}' where '{fileIdentifier}' is expected (not a {fileIdentifier} flatbuffer)");
        }

        return TableAt(Follow(0, path), path);
    }

    /// <summary>The position an unsigned offset stored at <paramref name="at"/> points to (checked to be inside the file and forward).</summary>
    internal int Follow(int at, string path)
    {
        Need(at, 4, path, "offset");
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(at));
        long target = at + (long)offset;
        if (offset == 0 || target >= _data.Length)
        {
            throw new FlatBufferFormatException(path, $"offset {offset} at byte {at} points outside the file ({_data.Length} bytes)");
        }

        return (int)target;
    }

    /// <summary>The table at <paramref name="position"/>, after checking its vtable.</summary>
    internal FlatTable TableAt(int position, string path)
    {
        Need(position, 4, path, "table");
        long vtable = position - (long)BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(position));
        if (vtable < 0 || vtable + 4 > _data.Length)
        {
            throw new FlatBufferFormatException(path, $"the vtable of the table at byte {position} is outside the file");
        }

        int vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan((int)vtable));
        int tableSize = BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan((int)vtable + 2));
        if (vtableSize < 4 || vtableSize % 2 != 0 || vtable + vtableSize > _data.Length)
        {
            throw new FlatBufferFormatException(path, $"the vtable at byte {vtable} declares {vtableSize} bytes");
        }

        if (tableSize < 4 || position + (long)tableSize > _data.Length)
        {
            throw new FlatBufferFormatException(path, $"the table at byte {position} declares {tableSize} bytes, beyond the end of the file");
        }

        return new FlatTable(this, position, (int)vtable, vtableSize, tableSize, path);
    }

    /// <summary>A vector whose length word is at <paramref name="position"/>; its elements are checked to lie inside the file.</summary>
    internal FlatVector VectorAt(int position, int elementSize, string path)
    {
        Need(position, 4, path, "vector length");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(position));
        long bytes = count * (long)elementSize;
        if (position + 4L + bytes > _data.Length)
        {
            throw new FlatBufferFormatException(path, $"vector of {count} elements of {elementSize} bytes at byte {position} runs past the end of the file ({_data.Length} bytes)");
        }

        return new FlatVector(position + 4, (int)count, elementSize);
    }

    internal ReadOnlySpan<byte> Bytes(int position, int length, string path)
    {
        Need(position, length, path, "data");
        Spend(length, path);
        return _data.AsSpan(position, length);
    }

    /// <summary>Counts bytes about to be materialised against the budget.</summary>
    internal void Spend(long bytes, string path)
    {
        _budget -= bytes;
        if (_budget < 0)
        {
            throw new FlatBufferFormatException(path, $"the file references more data than {ReadBudget(_data.Length)} bytes in total (shared vectors read over and over)");
        }
    }

    internal void Need(long position, long length, string path, string what)
    {
        if (position < 0 || length < 0 || position + length > _data.Length)
        {
            throw new FlatBufferFormatException(path, $"{what} at byte {position} ({length} bytes) is outside the file ({_data.Length} bytes)");
        }
    }

    internal byte[] Data => _data;

    private static string Printable(string s) => new(s.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}

/// <summary>A vector's elements: <see cref="Count"/> elements of <see cref="ElementSize"/> bytes from <see cref="Start"/>.</summary>
internal readonly record struct FlatVector(int Start, int Count, int ElementSize);

/// <summary>A checked table: fields are read by their id in the schema (0 for the first field; a union takes two ids).</summary>
internal readonly struct FlatTable
{
    private readonly FlatBufferReader _reader;
    private readonly int _vtable;
    private readonly int _vtableSize;
    private readonly int _tableSize;

    internal FlatTable(FlatBufferReader reader, int position, int vtable, int vtableSize, int tableSize, string path)
    {
        _reader = reader;
        Position = position;
        _vtable = vtable;
        _vtableSize = vtableSize;
        _tableSize = tableSize;
        Path = path;
    }

    public int Position { get; }

    /// <summary>Where this table is in the schema, for errors: <c>model.subgraphs[0].operators[3]</c>.</summary>
    public string Path { get; }

    public bool Has(int id) => FieldOffset(id, 1, "?") != 0;

    public byte UInt8(int id, string name, byte defaultValue = 0) =>
        FieldOffset(id, 1, name) is int at and > 0 ? _reader.Data[at] : defaultValue;

    public sbyte Int8(int id, string name, sbyte defaultValue = 0) =>
        FieldOffset(id, 1, name) is int at and > 0 ? (sbyte)_reader.Data[at] : defaultValue;

    public bool Bool(int id, string name, bool defaultValue = false) =>
        FieldOffset(id, 1, name) is int at and > 0 ? _reader.Data[at] != 0 : defaultValue;

    public int Int32(int id, string name, int defaultValue = 0) =>
        FieldOffset(id, 4, name) is int at and > 0 ? BinaryPrimitives.ReadInt32LittleEndian(_reader.Data.AsSpan(at)) : defaultValue;

    public uint UInt32(int id, string name, uint defaultValue = 0) =>
        FieldOffset(id, 4, name) is int at and > 0 ? BinaryPrimitives.ReadUInt32LittleEndian(_reader.Data.AsSpan(at)) : defaultValue;

    public ulong UInt64(int id, string name, ulong defaultValue = 0) =>
        FieldOffset(id, 8, name) is int at and > 0 ? BinaryPrimitives.ReadUInt64LittleEndian(_reader.Data.AsSpan(at)) : defaultValue;

    public float Float32(int id, string name, float defaultValue = 0) =>
        FieldOffset(id, 4, name) is int at and > 0 ? BinaryPrimitives.ReadSingleLittleEndian(_reader.Data.AsSpan(at)) : defaultValue;

    /// <summary>The sub-table in field <paramref name="id"/>, or null when the field is absent.</summary>
    public FlatTable? Table(int id, string name)
    {
        int at = FieldOffset(id, 4, name);
        string path = $"{Path}.{name}";
        return at == 0 ? null : _reader.TableAt(_reader.Follow(at, path), path);
    }

    /// <summary>The vector in field <paramref name="id"/>, or null when the field is absent.</summary>
    public FlatVector? Vector(int id, string name, int elementSize)
    {
        int at = FieldOffset(id, 4, name);
        string path = $"{Path}.{name}";
        return at == 0 ? null : _reader.VectorAt(_reader.Follow(at, path), elementSize, path);
    }

    public int VectorLength(int id, string name) => Vector(id, name, 4)?.Count ?? 0;

    /// <summary>Element <paramref name="index"/> of a vector of tables (<paramref name="name"/> names the vector in errors).</summary>
    public FlatTable TableElement(FlatVector vector, int index, string name)
    {
        string path = $"{Path}.{name}[{index}]";
        _reader.Spend(4, path);
        return _reader.TableAt(_reader.Follow(vector.Start + index * 4, path), path);
    }

    public string? String(int id, string name)
    {
        var vector = Vector(id, name, 1);
        if (vector is not { } v)
        {
            return null;
        }

        // The schema's strings end with a NUL after their length (as FlatBuffers' own verifier checks). Names are
        // informational: invalid UTF-8 becomes U+FFFD rather than an error.
        _reader.Need(v.Start + (long)v.Count, 1, $"{Path}.{name}", "string terminator");
        if (_reader.Data[v.Start + v.Count] != 0)
        {
            throw new FlatBufferFormatException($"{Path}.{name}", $"the string at byte {v.Start} is not NUL-terminated");
        }

        return Encoding.UTF8.GetString(_reader.Bytes(v.Start, v.Count, $"{Path}.{name}"));
    }

    public int[]? Int32Vector(int id, string name) =>
        Vector(id, name, 4) is { } v ? Elements(v, name, span => BinaryPrimitives.ReadInt32LittleEndian(span)) : null;

    public long[]? Int64Vector(int id, string name) =>
        Vector(id, name, 8) is { } v ? Elements(v, name, span => BinaryPrimitives.ReadInt64LittleEndian(span)) : null;

    public float[]? Float32Vector(int id, string name) =>
        Vector(id, name, 4) is { } v ? Elements(v, name, span => BinaryPrimitives.ReadSingleLittleEndian(span)) : null;

    public byte[]? ByteVector(int id, string name) =>
        Vector(id, name, 1) is { } v ? _reader.Bytes(v.Start, v.Count, $"{Path}.{name}").ToArray() : null;

    private delegate T ElementRead<T>(ReadOnlySpan<byte> bytes);

    private T[] Elements<T>(FlatVector vector, string name, ElementRead<T> read)
    {
        var bytes = _reader.Bytes(vector.Start, vector.Count * vector.ElementSize, $"{Path}.{name}");
        var values = new T[vector.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = read(bytes.Slice(i * vector.ElementSize, vector.ElementSize));
        }

        return values;
    }

    /// <summary>The absolute position of field <paramref name="id"/>, or 0 if the vtable does not have it.</summary>
    private int FieldOffset(int id, int size, string name)
    {
        int slot = 4 + 2 * id;
        if (slot + 2 > _vtableSize)
        {
            return 0;
        }

        int offset = BinaryPrimitives.ReadUInt16LittleEndian(_reader.Data.AsSpan(_vtable + slot));
        if (offset == 0)
        {
            return 0;
        }

        if (offset + size > _tableSize)
        {
            throw new FlatBufferFormatException($"{Path}.{name}", $"field at offset {offset} ({size} bytes) lies outside its table of {_tableSize} bytes");
        }

        return Position + offset;
    }
}

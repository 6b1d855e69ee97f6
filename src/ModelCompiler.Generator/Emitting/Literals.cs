using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelCompiler.Generator.Emitting;

/// <summary>How constants and model text are spelled in generated code.</summary>
internal static class Literals
{
    /// <summary>A C# string literal; any text from the model goes through here, never raw.</summary>
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float literal that parses back to the same bits (or an exact bit-pattern expression).</summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value) || float.IsInfinity(value))
        {
            return $"global::System.BitConverter.Int32BitsToSingle(unchecked((int)0x{Bits(value):X8}u))";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float parsed) && Bits(parsed) == Bits(value))
        {
            return text + "f";
        }

        return $"global::System.BitConverter.Int32BitsToSingle(unchecked((int)0x{Bits(value):X8}u))";
    }

    public static uint Bits(float value) => BitConverter.ToUInt32(BitConverter.GetBytes(value), 0);

    /// <summary>Text from the model that goes into a comment: printable ASCII only, so it cannot end the comment line.</summary>
    public static string Printable(string text) => new(text.Select(c => c >= 32 && c < 127 ? c : '?').Take(80).ToArray());

    /// <summary>Text for an XML doc comment: printable ASCII, with the XML specials escaped.</summary>
    public static string Xml(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                default: builder.Append(c >= 32 && c < 127 ? c : '?'); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Little-endian bytes as one string literal, two bytes a UTF-16 code unit (<c>\uXXXX</c> unless printable ASCII),
    /// read through <see cref="DataReference"/>. A string literal is one token and one operation to the compiler and its
    /// analyzers, where an array initializer is one per element: for the Intel sample's 3.5 M weights, the model library
    /// compiles in about a quarter of the time it took as <c>ulong</c> literals (docs/generator.md has the figures). The
    /// literal is never decoded: Native AOT keeps it as a frozen string in the binary, read in place; the JIT copies it
    /// once from the metadata into its heap. Its characters are 4-byte aligned, which every kernel's unaligned loads
    /// accept. One line a block: a literal split into concatenated lines makes the
    /// compiler fold the pieces (minutes for the same model).
    /// </summary>
    public static void WriteDataLiteral(SourceWriter writer, string name, byte[] bytes, string comment)
    {
        int units = Math.Max((bytes.Length + 1) / 2, 1);
        var literal = new StringBuilder(units * 6 + 2);
        literal.Append('"');
        for (int i = 0; i < units; i++)
        {
            int low = 2 * i < bytes.Length ? bytes[2 * i] : 0;
            int high = 2 * i + 1 < bytes.Length ? bytes[2 * i + 1] : 0;
            int unit = low | (high << 8);
            if (unit >= 0x20 && unit < 0x7F && unit != '"' && unit != '\\')
            {
                literal.Append((char)unit);
            }
            else
            {
                literal.Append("\\u").Append(unit.ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        literal.Append('"');
        writer.WriteLine($"/// <summary>{Xml(comment)} {Int(bytes.Length)} bytes, little-endian, two to a character.</summary>");
        writer.WriteLine($"private static ReadOnlySpan<char> {name} => {literal};");
    }

    /// <summary>A <c>ref</c> to the first element of a <see cref="WriteDataLiteral"/> block read as <paramref name="elementType"/>.</summary>
    public static string DataReference(string name, string elementType) =>
        $"ref Unsafe.As<char, {elementType}>(ref MemoryMarshal.GetReference({name}))";

    public static byte[] FloatBytes(IReadOnlyList<float> values)
    {
        var bytes = new byte[values.Count * 4];
        for (int i = 0; i < values.Count; i++)
        {
            uint bits = Bits(values[i]);
            bytes[i * 4] = (byte)bits;
            bytes[i * 4 + 1] = (byte)(bits >> 8);
            bytes[i * 4 + 2] = (byte)(bits >> 16);
            bytes[i * 4 + 3] = (byte)(bits >> 24);
        }

        return bytes;
    }

    /// <summary>A small int table, 16 per line.</summary>
    public static void WriteInt32Data(SourceWriter writer, string name, IReadOnlyList<int> values, string comment)
    {
        writer.WriteLine($"/// <summary>{Xml(comment)}</summary>");
        writer.WriteLine($"private static ReadOnlySpan<int> {name} => new int[{Int(values.Count)}]");
        writer.WriteLine("{");
        writer.Indent();
        for (int start = 0; start < values.Count; start += 16)
        {
            writer.WriteLine(string.Join(", ", values.Skip(start).Take(16).Select(Int)) + ",");
        }

        writer.Unindent();
        writer.WriteLine("};");
    }
}

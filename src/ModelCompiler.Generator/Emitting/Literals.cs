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
    /// Little-endian bytes as ulong literals, 16 per line: the form that compiles fast and still becomes zero-copy
    /// RVA data (measured for 3.4 M weights: 13 s and 0.7 GB of compiler memory, against 109 s and 4.6 GB as sbyte
    /// literals; docs/generator.md has the build figures).
    /// </summary>
    public static void WriteUInt64Data(SourceWriter writer, string name, byte[] bytes, string comment)
    {
        int count = (bytes.Length + 7) / 8;
        writer.WriteLine($"/// <summary>{Xml(comment)}</summary>");
        writer.WriteLine($"private static ReadOnlySpan<ulong> {name} => new ulong[{Int(Math.Max(count, 1))}]");
        writer.WriteLine("{");
        writer.Indent();
        var line = new StringBuilder();
        for (int i = 0; i < Math.Max(count, 1); i++)
        {
            ulong value = 0;
            for (int b = 7; b >= 0; b--)
            {
                int index = i * 8 + b;
                value = (value << 8) | (index < bytes.Length ? bytes[index] : (byte)0);
            }

            line.Append("0x").Append(value.ToString("X16", CultureInfo.InvariantCulture)).Append(',');
            if (i % 16 == 15 || i == Math.Max(count, 1) - 1)
            {
                writer.WriteLine(line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(' ');
            }
        }

        writer.Unindent();
        writer.WriteLine("};");
    }

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

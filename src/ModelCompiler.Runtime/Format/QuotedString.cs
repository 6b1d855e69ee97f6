using System.Text;

namespace ModelCompiler.Format;

/// <summary>
/// JSON-style quoted strings (labels, provenance values): <c>"..."</c> with the escapes <c>\"</c>, <c>\\</c>,
/// <c>\n</c>, <c>\t</c> and <c>\uXXXX</c>. Raw control characters must be escaped; the decoded string must be
/// well-formed UTF-16 (no lone surrogates), so it survives a UTF-8 file and a C# string literal unchanged.
/// </summary>
public static class QuotedString
{
    /// <summary>Decodes <paramref name="raw"/>, which must be exactly one quoted string.</summary>
    public static string Parse(string raw, int line)
    {
        if (raw.Length < 2 || raw[0] != '"')
        {
            throw Invalid(line, "expected a quoted string");
        }

        var value = new StringBuilder(raw.Length);
        int i = 1;
        while (true)
        {
            if (i >= raw.Length)
            {
                throw Invalid(line, "the string has no closing quote");
            }

            char c = raw[i++];
            if (c == '"')
            {
                break;
            }

            if (c < ' ')
            {
                throw Invalid(line, $"raw control character U+{(int)c:X4} in a string (write it as an escape)");
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (i >= raw.Length)
            {
                throw Invalid(line, "the string ends inside an escape");
            }

            char e = raw[i++];
            switch (e)
            {
                case '"': value.Append('"'); break;
                case '\\': value.Append('\\'); break;
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'u':
                    value.Append(ParseHex4(raw, i, line));
                    i += 4;
                    break;
                default:
                    throw Invalid(line, $"unknown escape '\\{(e < ' ' || e > '~' ? "?" : e.ToString())}' (allowed: \\\" \\\\ \\n \\t \\uXXXX)");
            }
        }

        if (i != raw.Length)
        {
            throw Invalid(line, "text after the closing quote");
        }

        string result = value.ToString();
        if (FirstLoneSurrogate(result) is int bad)
        {
            throw Invalid(line, $"the string holds a lone surrogate U+{(int)result[bad]:X4} at position {bad}");
        }

        return result;
    }

    /// <summary>Quotes <paramref name="value"/> so that <see cref="Parse"/> returns it unchanged.</summary>
    public static string Quote(string value)
    {
        if (FirstLoneSurrogate(value) is int bad)
        {
            throw new QModelFormatException(QModelError.InvalidString, 0, $"string holds a lone surrogate U+{(int)value[bad]:X4} at position {bad}, which UTF-8 cannot carry");
        }

        var text = new StringBuilder(value.Length + 2);
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < ' ' || c == '\u007F')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }

    private static char ParseHex4(string raw, int start, int line)
    {
        if (start + 4 > raw.Length)
        {
            throw Invalid(line, "\\u needs four hex digits");
        }

        int code = 0;
        for (int k = start; k < start + 4; k++)
        {
            char h = raw[k];
            int digit = h >= '0' && h <= '9' ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                : -1;
            if (digit < 0)
            {
                throw Invalid(line, "\\u needs four hex digits");
            }

            code = (code << 4) | digit;
        }

        return (char)code;
    }

    private static int? FirstLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return i;
            }
        }

        return null;
    }

    private static QModelFormatException Invalid(int line, string message) => new(QModelError.InvalidString, line, message);
}

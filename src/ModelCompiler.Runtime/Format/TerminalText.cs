using System.Text;

namespace ModelCompiler.Format;

/// <summary>
/// Makes text that came from a file (labels, tokens, paths) safe to show on a terminal or in a one-line message:
/// control characters (C0, DEL, C1: ESC sequences, CR, LF, BEL), bidirectional overrides and line separators, and
/// lone surrogates are written as escapes (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c>). Everything else,
/// including a literal backslash, is kept, so ordinary text is unchanged; the result is for people, not for parsing.
/// </summary>
public static class TerminalText
{
    /// <summary><paramref name="text"/> with every unsafe character escaped; the same instance when none is.</summary>
    public static string Escape(string text)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text, first))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (!NeedsEscape(text, i))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
                });
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(string text, int i)
    {
        char c = text[i];
        if (char.IsSurrogate(c))
        {
            bool paired = char.IsHighSurrogate(c)
                ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : i > 0 && char.IsHighSurrogate(text[i - 1]);
            return !paired;
        }

        return c < ' ' || (c >= '\u007f' && c <= '\u009f') // C0, DEL, C1 (U+009B is a one-byte CSI)
            || c is '\u061c' or '\u200e' or '\u200f' or '\u2028' or '\u2029' // bidi marks, line and paragraph separators
            || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069'); // bidi embeddings, overrides, isolates
    }
}

namespace ModelCompiler.Format;

/// <summary>
/// Walks the lines of a <c>.qmodel</c> text. Lines end at LF; a CR before the LF is dropped, so CRLF files read
/// the same. A leading byte-order mark is ignored.
/// </summary>
internal sealed class LineCursor
{
    private readonly string text;
    private readonly List<int> lineStarts = [];
    private int next;

    public LineCursor(string text)
    {
        this.text = text;
        int start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        lineStarts.Add(start);
        for (int i = start; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        // A final LF ends the last line; it does not start an empty one.
        if (lineStarts.Count > 1 && lineStarts[lineStarts.Count - 1] == text.Length)
        {
            lineStarts.RemoveAt(lineStarts.Count - 1);
        }
    }

    /// <summary>Number of the last line of the file (1 for an empty file), for errors about a missing ending.</summary>
    public int LastLineNumber => lineStarts.Count;

    public bool AtEnd => next >= lineStarts.Count;

    /// <summary>Characters from the start of the next line to the end of the text.</summary>
    public int RemainingCharacters => AtEnd ? 0 : text.Length - lineStarts[next];

    /// <summary>The next line, blank or not, without consuming it.</summary>
    public bool TryPeek(out SourceLine line)
    {
        if (AtEnd)
        {
            line = default;
            return false;
        }

        line = LineAt(next);
        return true;
    }

    /// <summary>Skips blank and comment lines, then peeks at the next line.</summary>
    public bool TryPeekSignificant(out SourceLine line)
    {
        while (TryPeek(out line))
        {
            if (!line.IsInsignificant)
            {
                return true;
            }

            next++;
        }

        return false;
    }

    /// <summary>Consumes the line last peeked at.</summary>
    public void Advance() => next++;

    private SourceLine LineAt(int index)
    {
        int start = lineStarts[index];
        int end = index + 1 < lineStarts.Count ? lineStarts[index + 1] - 1 : text.Length;
        if (end > start && end == text.Length && text[end - 1] == '\n')
        {
            end--;
        }

        if (end > start && text[end - 1] == '\r')
        {
            end--;
        }

        int contentStart = start;
        while (contentStart < end && text[contentStart] == ' ')
        {
            contentStart++;
        }

        int contentEnd = end;
        while (contentEnd > contentStart && text[contentEnd - 1] == ' ')
        {
            contentEnd--;
        }

        return new SourceLine(index + 1, contentStart - start, text.Substring(contentStart, contentEnd - contentStart));
    }
}

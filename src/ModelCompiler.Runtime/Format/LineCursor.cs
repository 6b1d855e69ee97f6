namespace ModelCompiler.Format;

/// <summary>
/// Walks the lines of a <c>.qmodel</c> text. Lines end at LF; a CR before the LF is dropped, so CRLF files read
/// the same. A leading byte-order mark is ignored.
/// </summary>
internal sealed class LineCursor
{
    private readonly string _text;
    private readonly List<int> _lineStarts = [];
    private int _next;

    public LineCursor(string text)
    {
        _text = text;
        int start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        _lineStarts.Add(start);
        for (int i = start; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }

        // A final LF ends the last line; it does not start an empty one.
        if (_lineStarts.Count > 1 && _lineStarts[_lineStarts.Count - 1] == text.Length)
        {
            _lineStarts.RemoveAt(_lineStarts.Count - 1);
        }
    }

    /// <summary>Number of the last line of the file (1 for an empty file), for errors about a missing ending.</summary>
    public int LastLineNumber => _lineStarts.Count;

    public bool AtEnd => _next >= _lineStarts.Count;

    /// <summary>Characters from the start of the next line to the end of the text.</summary>
    public int RemainingCharacters => AtEnd ? 0 : _text.Length - _lineStarts[_next];

    /// <summary>The next line, blank or not, without consuming it.</summary>
    public bool TryPeek(out SourceLine line)
    {
        if (AtEnd)
        {
            line = default;
            return false;
        }

        line = LineAt(_next);
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

            _next++;
        }

        return false;
    }

    /// <summary>Consumes the line last peeked at.</summary>
    public void Advance() => _next++;

    private SourceLine LineAt(int index)
    {
        int start = _lineStarts[index];
        int end = index + 1 < _lineStarts.Count ? _lineStarts[index + 1] - 1 : _text.Length;
        if (end > start && end == _text.Length && _text[end - 1] == '\n')
        {
            end--;
        }

        if (end > start && _text[end - 1] == '\r')
        {
            end--;
        }

        int contentStart = start;
        while (contentStart < end && _text[contentStart] == ' ')
        {
            contentStart++;
        }

        int contentEnd = end;
        while (contentEnd > contentStart && _text[contentEnd - 1] == ' ')
        {
            contentEnd--;
        }

        return new SourceLine(index + 1, contentStart - start, _text.Substring(contentStart, contentEnd - contentStart));
    }
}

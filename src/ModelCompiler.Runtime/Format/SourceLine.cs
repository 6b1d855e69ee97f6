namespace ModelCompiler.Format;

/// <summary>
/// One physical line of a <c>.qmodel</c> file: its 1-based number, how many spaces indent it, and its content
/// after the indentation with trailing spaces removed.
/// </summary>
internal readonly struct SourceLine(int number, int indent, string content)
{
    public int Number { get; } = number;
    public int Indent { get; } = indent;
    public string Content { get; } = content;

    public bool IsBlank => Content.Length == 0;

    public bool IsComment => Content.Length > 0 && Content[0] == '#';

    /// <summary>Blank and comment lines carry nothing outside data blocks and label lists.</summary>
    public bool IsInsignificant => IsBlank || IsComment;

    /// <summary>
    /// Splits the content at runs of spaces. Only printable ASCII is allowed outside quoted strings, so a tab,
    /// control character or stray non-ASCII letter is reported here with its column.
    /// </summary>
    public string[] Tokens()
    {
        CheckPrintable(Content.Length);
        return Content.Split([' '], StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Splits at runs of spaces without the printable-ASCII check, for lines whose tokens are names: a name with a
    /// non-ASCII letter is then reported as a bad name rather than as a stray character.
    /// </summary>
    public string[] NameTokens() => Content.Split([' '], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The first <paramref name="count"/> space-separated tokens, and the rest of the line (which starts with a
    /// quoted string) as <paramref name="rest"/>; fewer tokens than asked for is a syntax error.
    /// </summary>
    public string[] TokensThenRest(int count, string expected, out string rest)
    {
        var tokens = new string[count];
        int position = 0;
        for (int i = 0; i < count; i++)
        {
            while (position < Content.Length && Content[position] == ' ')
            {
                position++;
            }

            int start = position;
            while (position < Content.Length && Content[position] != ' ')
            {
                position++;
            }

            if (start == position)
            {
                throw Syntax($"expected '{expected}'");
            }

            CheckPrintable(start, position);
            tokens[i] = Content.Substring(start, position - start);
        }

        while (position < Content.Length && Content[position] == ' ')
        {
            position++;
        }

        rest = Content.Substring(position);
        return tokens;
    }

    public QModelFormatException Syntax(string message) => new(QModelError.Syntax, Number, message);

    private void CheckPrintable(int end) => CheckPrintable(0, end);

    private void CheckPrintable(int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            char c = Content[i];
            if (c < ' ' || c > '~')
            {
                throw Syntax($"unexpected character U+{(int)c:X4} at column {Indent + i + 1} (only printable ASCII outside quoted strings)");
            }
        }
    }
}

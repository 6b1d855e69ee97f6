namespace ModelCompiler.Format;

/// <summary>
/// The one exception the <c>.qmodel</c> reader throws: a stable <see cref="Code"/>, the 1-based
/// <see cref="Line"/> it concerns (0 when the model was built in memory), and a message for people.
/// </summary>
public sealed class QModelFormatException : Exception
{
    public QModelFormatException(QModelError code, int line, string message)
        : base(line > 0 ? $"{CodeTextOf(code)} line {line}: {message}" : $"{CodeTextOf(code)}: {message}")
    {
        Code = code;
        Line = line;
        Detail = message;
    }

    public QModelError Code { get; }

    public int Line { get; }

    /// <summary>The message without the code and line prefix.</summary>
    public string Detail { get; }

    /// <summary><c>QM</c> and the three-digit code, e.g. <c>QM014</c>.</summary>
    public string CodeText => CodeTextOf(Code);

    private static string CodeTextOf(QModelError code) => "QM" + ((int)code).ToString("000", System.Globalization.CultureInfo.InvariantCulture);
}

namespace ModelCompiler.Format;

/// <summary>
/// Which names the format accepts. Model and layer names end up in generated C#, so they are plain ASCII
/// identifiers; the model name is also the generated class name, so it must not be a C# keyword, reserved or
/// contextual (the one rule of the reader, the trainer and the generator; the generator's tests check these lists
/// against the compiler's own).
/// </summary>
public static class Identifiers
{
    /// <summary>Longest model, layer or provenance key name (the C# compiler's identifier limit is 512).</summary>
    public const int MaxLength = 255;

    private static readonly HashSet<string> ReservedKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    private static readonly HashSet<string> ContextualKeywords = new(StringComparer.Ordinal)
    {
        "add", "alias", "allows", "and", "ascending", "assembly", "async", "await", "by", "descending", "equals",
        "extension", "field", "file", "from", "get", "global", "group", "init", "into", "join", "let", "managed",
        "method", "module", "nameof", "not", "on", "or", "orderby", "param", "partial", "property", "record",
        "remove", "required", "scoped", "select", "set", "type", "typevar", "unmanaged", "var", "when", "where",
        "with", "yield",
    };

    /// <summary>ASCII letters, digits and underscores, not starting with a digit, 1 to <see cref="MaxLength"/> characters.</summary>
    public static bool IsIdentifier(string text) => IsWord(text, allowDotAndDash: false);

    /// <summary>True for C#'s reserved keywords, <c>__arglist</c> and its kind included.</summary>
    public static bool IsReservedKeyword(string text) => ReservedKeywords.Contains(text);

    /// <summary>True for C#'s contextual keywords (<c>var</c>, <c>record</c>, <c>file</c>, ...).</summary>
    public static bool IsContextualKeyword(string text) => ContextualKeywords.Contains(text);

    /// <summary>A valid model name: an identifier that is not a C# keyword of either kind.</summary>
    public static bool IsModelName(string text) => ModelNameProblem(text) is null;

    /// <summary>Why <paramref name="text"/> cannot be a model name (the name of the generated class), or null when it can.</summary>
    public static string? ModelNameProblem(string text) =>
        !IsIdentifier(text) ? $"is not an identifier (ASCII letters, digits and '_', not starting with a digit, at most {MaxLength} characters)"
        : IsReservedKeyword(text) ? "is a C# keyword"
        : IsContextualKeyword(text) ? "is a C# contextual keyword"
        : null;

    /// <summary>Provenance keys: like identifiers, but may also contain <c>.</c> and <c>-</c> after the first character.</summary>
    public static bool IsProvenanceKey(string text) => IsWord(text, allowDotAndDash: true);

    private static bool IsWord(string text, bool allowDotAndDash)
    {
        if (text.Length == 0 || text.Length > MaxLength || IsAsciiDigit(text[0]))
        {
            return false;
        }

        foreach (char c in text)
        {
            bool ok = c == '_' || IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (allowDotAndDash && (c == '.' || c == '-'));
            if (!ok)
            {
                return false;
            }
        }

        return text[0] != '.' && text[0] != '-';
    }

    private static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';
}

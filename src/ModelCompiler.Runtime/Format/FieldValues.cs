using System.Globalization;

namespace ModelCompiler.Format;

/// <summary>
/// Parses the values of header and attribute fields, each with the error code its field calls for. Numbers are
/// checked against a strict grammar before .NET parses them, so culture, whitespace, hex or thousands separators
/// never sneak in, and the result is the same on every runtime.
/// </summary>
internal static class FieldValues
{
    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; out of range is <paramref name="rangeError"/>.</summary>
    public static int Integer(string token, int line, string what, long min, long max, QModelError rangeError)
    {
        if (!TryParseInteger(token, out long value))
        {
            throw new QModelFormatException(QModelError.InvalidNumber, line, $"{what} '{Shorten(token)}' is not an integer");
        }

        if (value < min || value > max)
        {
            throw new QModelFormatException(rangeError, line, $"{what} {Shorten(token)} is outside [{min}, {max}]");
        }

        return (int)value;
    }

    /// <summary>A height, width, channel count, kernel, stride or unit count: [1, <see cref="TensorChain.MaxDimension"/>].</summary>
    public static int Dimension(string token, int line, string what) =>
        Integer(token, line, what, 1, TensorChain.MaxDimension, QModelError.InvalidDimension);

    /// <summary>
    /// A float in the number grammar, or <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> (spelled out so that such a value is
    /// reported as a bad scale or a non-finite value rather than as a typo; callers decide what they accept).
    /// </summary>
    public static float Float(string token, int line, string what)
    {
        if (!(IsDecimal(token) || token is "NaN" or "Infinity" or "-Infinity") || !float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            throw new QModelFormatException(QModelError.InvalidNumber, line, $"{what} '{Shorten(token)}' is not a decimal number");
        }

        return value;
    }

    public static float FiniteFloat(string token, int line, string what)
    {
        float value = Float(token, line, what);
        if (float.IsNaN(value) || float.IsInfinity(value))
        {
            throw new QModelFormatException(QModelError.NonFiniteValue, line, $"{what} {Shorten(token)} is not finite as a float32");
        }

        return value;
    }

    /// <summary>A quantization scale: finite, positive and normal (see <see cref="TensorChain.IsValidScale"/>).</summary>
    public static float Scale(string token, int line, string what)
    {
        float value = Float(token, line, what);
        if (!TensorChain.IsValidScale(value))
        {
            throw new QModelFormatException(QModelError.InvalidScale, line, $"{what} {Shorten(token)} must be a finite, positive, normal float32");
        }

        return value;
    }

    /// <summary>The value of a <c>key=value</c> token whose key must be <paramref name="key"/>.</summary>
    public static string KeyValue(string token, string key, SourceLine line)
    {
        if (token.Length <= key.Length + 1 || !token.StartsWith(key, StringComparison.Ordinal) || token[key.Length] != '=')
        {
            throw line.Syntax($"expected '{key}=<value>' but found '{Shorten(token)}'");
        }

        return token.Substring(key.Length + 1);
    }

    /// <summary>Tokens <c>scale=S zero_point=Z</c> starting at <paramref name="first"/> (and nothing after them).</summary>
    public static QuantParams Quant(string[] tokens, int first, SourceLine line, string what)
    {
        if (tokens.Length != first + 2)
        {
            throw line.Syntax($"expected '{tokens[0]} scale=<float> zero_point=<int>'");
        }

        float scale = Scale(KeyValue(tokens[first], "scale", line), line.Number, what + " scale");
        int zeroPoint = Integer(
            KeyValue(tokens[first + 1], "zero_point", line), line.Number, what + " zero point", -128, 127, QModelError.InvalidZeroPoint);
        return new QuantParams(scale, zeroPoint);
    }

    /// <summary>A word from one of the <see cref="Vocabulary"/> tables; anything else is <paramref name="error"/>.</summary>
    public static T Word<T>((string Word, T Value)[] table, string token, int line, string what, QModelError error)
    {
        if (!Vocabulary.TryParse(table, token, out T value))
        {
            throw new QModelFormatException(error, line, $"unknown {what} '{Shorten(token)}' (expected {Vocabulary.Choices(table)})");
        }

        return value;
    }

    /// <summary>
    /// Integers are <c>-?[0-9]+</c> of any length, as the grammar says: leading zeros do not count, and values too
    /// large for a long saturate, which every caller's range check then rejects, so a 1000-digit number is the
    /// field's out-of-range error rather than an overflow or "not an integer". Work is linear in the token.
    /// </summary>
    private static bool TryParseInteger(string token, out long value)
    {
        value = 0;
        int start = token.Length > 0 && token[0] == '-' ? 1 : 0;
        if (start == token.Length)
        {
            return false;
        }

        long magnitude = 0;
        for (int i = start; i < token.Length; i++)
        {
            char c = token[i];
            if (c < '0' || c > '9')
            {
                return false;
            }

            magnitude = magnitude > (long.MaxValue / 10) - 10 ? long.MaxValue / 2 : (magnitude * 10) + (c - '0');
        }

        value = start == 1 ? -magnitude : magnitude;
        return true;
    }

    /// <summary>
    /// Decimal floats: <c>-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?</c> of any length, which covers "R" formatting of
    /// finite floats (.NET parses long digit strings in linear time, rounding correctly).
    /// </summary>
    private static bool IsDecimal(string token)
    {
        if (token.Length == 0)
        {
            return false;
        }

        int i = token[0] == '-' ? 1 : 0;
        int digits = SkipDigits(token, ref i);
        if (digits == 0)
        {
            return false;
        }

        if (i < token.Length && token[i] == '.')
        {
            i++;
            if (SkipDigits(token, ref i) == 0)
            {
                return false;
            }
        }

        if (i < token.Length && (token[i] == 'e' || token[i] == 'E'))
        {
            i++;
            if (i < token.Length && (token[i] == '+' || token[i] == '-'))
            {
                i++;
            }

            if (SkipDigits(token, ref i) == 0)
            {
                return false;
            }
        }

        return i == token.Length;
    }

    private static int SkipDigits(string token, ref int i)
    {
        int start = i;
        while (i < token.Length && token[i] >= '0' && token[i] <= '9')
        {
            i++;
        }

        return i - start;
    }

    /// <summary>
    /// Quotes file text in an error message: short when the token is huge, and with control characters escaped
    /// (<see cref="TerminalText"/>) so that a message stays one safe line on a terminal.
    /// </summary>
    public static string Shorten(string token) => TerminalText.Escape(token.Length <= 40 ? token : token.Substring(0, 37) + "...");
}

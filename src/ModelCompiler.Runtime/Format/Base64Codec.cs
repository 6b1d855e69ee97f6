namespace ModelCompiler.Format;

/// <summary>
/// Strict standard base64 (RFC 4648 alphabet, '=' padding) for data blocks. Unlike Convert.FromBase64String it
/// reports where a bad character is, needs the exact padding for the expected byte count, and refuses non-zero
/// unused bits, so every byte sequence has exactly one spelling.
/// </summary>
internal static class Base64Codec
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static readonly sbyte[] Values = BuildValues();

    /// <summary>Characters needed for <paramref name="byteCount"/> bytes, padding included.</summary>
    public static long EncodedLength(long byteCount) => (byteCount + 2) / 3 * 4;

    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>
    /// Decodes <paramref name="chars"/> into exactly <paramref name="byteCount"/> bytes. On error,
    /// <paramref name="lineOf"/> turns the offending character's index into its line number.
    /// </summary>
    public static byte[] Decode(string chars, int byteCount, Func<int, int> lineOf)
    {
        if (chars.Length != EncodedLength(byteCount))
        {
            throw new QModelFormatException(
                QModelError.InvalidBase64, lineOf(Math.Max(0, chars.Length - 1)),
                $"{chars.Length} base64 characters, but {byteCount} bytes need exactly {EncodedLength(byteCount)}");
        }

        var bytes = new byte[byteCount];
        int padding = (3 - (byteCount % 3)) % 3;
        int written = 0;
        for (int i = 0; i < chars.Length; i += 4)
        {
            bool last = i + 4 == chars.Length;
            int significant = last ? 4 - padding : 4;
            int group = 0;
            for (int k = 0; k < 4; k++)
            {
                char c = chars[i + k];
                int v;
                if (k < significant)
                {
                    v = c < 128 ? Values[c] : -1;
                    if (v < 0)
                    {
                        string shown = c == '=' ? "padding '=' before the end of the block" : c > ' ' && c <= '~' ? $"'{c}'" : $"U+{(int)c:X4}";
                        throw new QModelFormatException(QModelError.InvalidBase64, lineOf(i + k), $"invalid base64 character {shown}");
                    }
                }
                else
                {
                    if (c != '=')
                    {
                        throw new QModelFormatException(QModelError.InvalidBase64, lineOf(i + k), "the block must end with '=' padding for its byte count");
                    }

                    v = 0;
                }

                group = (group << 6) | v;
            }

            int produce = 3 - (last ? padding : 0);
            if (produce < 3 && (group & ((1 << (8 * (3 - produce))) - 1)) != 0)
            {
                throw new QModelFormatException(QModelError.InvalidBase64, lineOf(i), "the last base64 group has non-zero unused bits (not canonical base64)");
            }

            for (int k = 0; k < produce; k++)
            {
                bytes[written++] = (byte)(group >> (16 - (8 * k)));
            }
        }

        return bytes;
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = -1;
        }

        for (int i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }
}

using System.Text;

namespace ModelCompiler.Format;

/// <summary>
/// The format's one encoding rule: a <c>.qmodel</c> file is UTF-8 (a leading byte-order mark is ignored). The runtime
/// reader decodes a file's bytes with it, and the generator, which receives text a build has already decoded, applies
/// it to the bytes of that text in the encoding the build detected, so a file saved as UTF-16 or UTF-32 (or any
/// bytes that are not UTF-8) fails at build time with the same error, code and line as at run time.
/// </summary>
public static class Utf8Text
{
    public const string NotUtf8 = "the file is not valid UTF-8";

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="bytes"/> as UTF-8.</summary>
    /// <exception cref="QModelFormatException">A byte is not UTF-8: <see cref="QModelError.Syntax"/> at its line.</exception>
    public static string Decode(byte[] bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            int index = Math.Max(0, Math.Min(e.Index, bytes.Length));
            int line = 1;
            for (int i = 0; i < index; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                }
            }

            throw new QModelFormatException(QModelError.Syntax, line, NotUtf8);
        }
    }
}

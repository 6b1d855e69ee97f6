using CsCheck;
using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests;

/// <summary>The pieces the reader is built from: quoted strings, base64 blocks, names and the number grammar.</summary>
public sealed class FormatPrimitivesTests
{
    [Fact]
    public void QuotedStringsRoundTripAnyWellFormedText()
    {
        Gen.String[Gen.Char, 0, 40].Where(s => !HasLoneSurrogate(s)).Sample(s =>
        {
            string quoted = QuotedString.Quote(s);
            Assert.DoesNotContain('\n', quoted);
            Assert.DoesNotContain('\r', quoted);
            Assert.Equal(s, QuotedString.Parse(quoted, 1));
        }, iter: 5000);
    }

    [Theory]
    [InlineData("\"\\u00e9\\u00C9\"", "éÉ")]
    [InlineData("\"\\ud83d\\ude00\"", "\U0001F600")]
    [InlineData("\"tab\\tquote\\\"slash\\\\nl\\n\"", "tab\tquote\"slash\\nl\n")]
    public void QuotedStringEscapes(string raw, string expected) => Assert.Equal(expected, QuotedString.Parse(raw, 1));

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\ude00x\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"\\r\"")]
    [InlineData("\"\\/\"")]
    [InlineData("\"a\" b")]
    [InlineData("\"a")]
    [InlineData("a\"")]
    [InlineData("\"\t\"")]
    public void BadQuotedStringsAreInvalidString(string raw) =>
        Assert.Equal(QModelError.InvalidString, Assert.Throws<QModelFormatException>(() => QuotedString.Parse(raw, 7)).Code);

    [Fact]
    public void QuotingALoneSurrogateIsRefused() =>
        Assert.Equal(QModelError.InvalidString, Assert.Throws<QModelFormatException>(() => QuotedString.Quote("a\uD800")).Code);

    [Fact]
    public void Base64AgreesWithTheFramework()
    {
        Gen.Byte.Array[0, 100].Sample(bytes =>
        {
            string text = Base64Codec.Encode(bytes);
            Assert.Equal(Convert.ToBase64String(bytes), text);
            Assert.Equal(bytes, Base64Codec.Decode(text, bytes.Length, _ => 1));
        }, iter: 2000);
    }

    [Theory]
    [InlineData("AQ==", 2)]
    [InlineData("AQI=", 1)]
    [InlineData("AR==", 1)]
    [InlineData("AQJ=", 2)]
    [InlineData("A=Q=", 1)]
    [InlineData("AQ-_", 3)]
    [InlineData("AQ", 1)]
    public void Base64IsStrict(string text, int byteCount) =>
        Assert.Equal(QModelError.InvalidBase64, Assert.Throws<QModelFormatException>(() => Base64Codec.Decode(text, byteCount, _ => 1)).Code);

    [Theory]
    [InlineData("Model", true)]
    [InlineData("_9", true)]
    [InlineData("Async", true)]
    [InlineData("var", false)]
    [InlineData("async", false)]
    [InlineData("record", false)]
    [InlineData("__arglist", false)]
    [InlineData("class", false)]
    [InlineData("int", false)]
    [InlineData("9a", false)]
    [InlineData("a-b", false)]
    [InlineData("", false)]
    [InlineData("Modèle", false)]
    public void ModelNames(string name, bool valid) => Assert.Equal(valid, Identifiers.IsModelName(name));

    [Theory]
    [InlineData("var", "is a C# contextual keyword")]
    [InlineData("__arglist", "is a C# keyword")]
    [InlineData("class", "is a C# keyword")]
    [InlineData("9a", "is not an identifier")]
    public void ModelNameProblemsSayWhy(string name, string reason) => Assert.StartsWith(reason, Identifiers.ModelNameProblem(name));

    [Fact]
    public void NamesLongerThanTheLimitAreRefused()
    {
        Assert.True(Identifiers.IsIdentifier(new string('a', Identifiers.MaxLength)));
        Assert.False(Identifiers.IsIdentifier(new string('a', Identifiers.MaxLength + 1)));
    }

    [Theory]
    [InlineData("1", 1f)]
    [InlineData("-0.5", -0.5f)]
    [InlineData("1E-05", 1e-5f)]
    [InlineData("3.4028235E+38", float.MaxValue)]
    [InlineData("1e39", float.PositiveInfinity)]
    [InlineData("NaN", float.NaN)]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000000000000.25", 0.25f)]
    [InlineData("0.2500000000000000000000000000000000000000000000000000000000000000000000000", 0.25f)]
    public void FloatGrammarAccepts(string token, float expected) => Assert.Equal(expected, FieldValues.Float(token, 1, "x"));

    [Theory]
    [InlineData("+1")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("1e")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    [InlineData("1_000")]
    [InlineData("٣")]
    [InlineData("nan")]
    [InlineData("∞")]
    [InlineData("")]
    public void FloatGrammarRefuses(string token) =>
        Assert.Equal(QModelError.InvalidNumber, Assert.Throws<QModelFormatException>(() => FieldValues.Float(token, 1, "x")).Code);

    [Theory]
    [InlineData("12", 12)]
    [InlineData("-128", -128)]
    [InlineData("007", 7)]
    [InlineData("-0", 0)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000000000042", 42)]
    [InlineData("-0000000000000000000000000000000000000000000000000000000000000000000000042", -42)]
    public void IntegerGrammarAccepts(string token, int expected) =>
        Assert.Equal(expected, FieldValues.Integer(token, 1, "x", int.MinValue, int.MaxValue, QModelError.InvalidDimension));

    [Theory]
    [InlineData("1.0", QModelError.InvalidNumber)]
    [InlineData("+3", QModelError.InvalidNumber)]
    [InlineData("-", QModelError.InvalidNumber)]
    [InlineData("2147483648", QModelError.InvalidDimension)]
    [InlineData("-99999999999999999999999999999999", QModelError.InvalidDimension)]
    [InlineData("99999999999999999999999999999999999999999999999999999999999999999", QModelError.InvalidDimension)]
    [InlineData("9223372036854775807", QModelError.InvalidDimension)]
    [InlineData("9223372036854775808", QModelError.InvalidDimension)]
    [InlineData("-9223372036854775809", QModelError.InvalidDimension)]
    public void IntegerGrammarRefuses(string token, QModelError code) =>
        Assert.Equal(code, Assert.Throws<QModelFormatException>(() => FieldValues.Integer(token, 1, "x", int.MinValue, int.MaxValue, QModelError.InvalidDimension)).Code);

    [Fact]
    public void AHugeIntegerGetsTheRangeErrorWithTheTokenShortened()
    {
        var error = Assert.Throws<QModelFormatException>(() => FieldValues.Integer(new string('7', 100_000), 3, "filters", 1, 16384, QModelError.InvalidDimension));
        Assert.Equal(QModelError.InvalidDimension, error.Code);
        Assert.True(error.Message.Length < 120, error.Message);
    }

    [Theory]
    [InlineData("a\rb", "a\\rb")]
    [InlineData("\u001b[2J", "\\u001b[2J")]
    [InlineData("x\u009by", "x\\u009by")]
    [InlineData("tab\tnl\n", "tab\\tnl\\n")]
    [InlineData("rtl\u202eexe.jpg", "rtl\\u202eexe.jpg")]
    [InlineData("pair \ud83d\ude00 é 中", "pair \ud83d\ude00 é 中")]
    [InlineData("back\\slash", "back\\slash")]
    public void TerminalTextEscapesControlCharacters(string text, string expected) => Assert.Equal(expected, TerminalText.Escape(text));

    [Fact]
    public void TerminalTextEscapesLoneSurrogates()
    {
        Assert.Equal("lone \\ud800!", TerminalText.Escape("lone \ud800!"));
        Assert.Equal("\\udc00x", TerminalText.Escape("\udc00x"));
        Assert.Equal("end \\ud83d", TerminalText.Escape("end \ud83d"));
        string plain = "nothing to escape: é 中 \ud83d\ude00";
        Assert.Same(plain, TerminalText.Escape(plain));
    }

    [Fact]
    public void QuotedTokensInMessagesHaveNoControlCharacters()
    {
        var error = Assert.Throws<QModelFormatException>(() => QModelReader.Read("qmodel 1\rname X\u001b[2J\rinput 1 1 1 hwc"));
        Assert.Equal(QModelError.UnsupportedVersion, error.Code);
        Assert.DoesNotContain(error.Message, c => c < ' ');
        Assert.Contains("\\r", error.Message);
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}

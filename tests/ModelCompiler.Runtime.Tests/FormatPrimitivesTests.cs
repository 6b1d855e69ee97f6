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
    public void IntegerGrammarAccepts(string token, int expected) =>
        Assert.Equal(expected, FieldValues.Integer(token, 1, "x", int.MinValue, int.MaxValue, QModelError.InvalidDimension));

    [Theory]
    [InlineData("1.0", QModelError.InvalidNumber)]
    [InlineData("+3", QModelError.InvalidNumber)]
    [InlineData("-", QModelError.InvalidNumber)]
    [InlineData("2147483648", QModelError.InvalidDimension)]
    [InlineData("-99999999999999999999999999999999", QModelError.InvalidDimension)]
    public void IntegerGrammarRefuses(string token, QModelError code) =>
        Assert.Equal(code, Assert.Throws<QModelFormatException>(() => FieldValues.Integer(token, 1, "x", int.MinValue, int.MaxValue, QModelError.InvalidDimension)).Code);

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

using System.Text.RegularExpressions;
using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

/// <summary>Keeps docs/qmodel-format.md and the code in step: its example parses, and it lists every error code.</summary>
public sealed class FormatDocTests
{
    private const string Begin = "<!-- qmodel-example:begin -->";
    private const string End = "<!-- qmodel-example:end -->";

    [Fact]
    public void ExampleParsesAndIsCanonical()
    {
        string example = Example();
        var model = QModelReader.Read(example);
        Assert.Equal("TinyStripes", model.Name);
        Assert.Equal(["dark", "light", "striped \"zebra\""], model.Labels);
        Assert.Equal(
            [LayerOp.Conv2D, LayerOp.MaxPool2D, LayerOp.Flatten, LayerOp.Dense, LayerOp.Dequantize, LayerOp.Dense, LayerOp.Softmax],
            model.Layers.Select(l => l.Op));
        Assert.Equal(example, QModelWriter.Write(model));
    }

    [Fact]
    public void ExampleIsTheMalformedSuitesBaseText() =>
        Assert.Equal(Example().TrimEnd('\n'), MalformedModels.BaseText.Replace("\r\n", "\n"));

    [Fact]
    public void EveryErrorCodeIsDocumentedWithItsNumber()
    {
        string doc = Doc();
        foreach (var code in Enum.GetValues<QModelError>())
        {
            Assert.Contains($"| QM{(int)code:000} | `{code}` |", doc);
        }

        int documented = Regex.Matches(doc, @"^\| QM\d{3} \|", RegexOptions.Multiline).Count;
        Assert.Equal(Enum.GetValues<QModelError>().Length, documented);
    }

    /// <summary>The text of the fenced block between the example markers, with LF line ends.</summary>
    private static string Example()
    {
        string doc = Doc();
        int begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        int end = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "example markers not found in docs/qmodel-format.md");
        string block = doc.Substring(begin + Begin.Length, end - begin - Begin.Length).Trim('\n');
        Assert.StartsWith("```text\n", block);
        Assert.EndsWith("\n```", block);
        return block.Substring("```text\n".Length, block.Length - "```text\n".Length - "```".Length);
    }

    private static string Doc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "docs", "qmodel-format.md");
            if (File.Exists(path))
            {
                return File.ReadAllText(path).Replace("\r\n", "\n");
            }
        }

        throw new FileNotFoundException("docs/qmodel-format.md not found above " + AppContext.BaseDirectory);
    }
}

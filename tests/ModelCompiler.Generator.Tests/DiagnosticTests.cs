using Microsoft.CodeAnalysis;
using ModelCompiler.Format;

namespace ModelCompiler.Generator.Tests;

/// <summary>Malformed or unsupported models become errors with an ID, a message and the model file's line; no source, no crash.</summary>
public sealed class DiagnosticTests
{
    private const string ModelPath = "/models/small.qmodel";

    private static readonly string[] BaseLines = QModelWriter.Write(GeneratorPipelineTests.SmallModel()).Replace("\r\n", "\n").Split('\n');

    /// <summary>Edits of the small model's text: (description, edit). Each must fail in the reader.</summary>
    public static TheoryData<string> Edits => new()
    {
        "wrong version", "empty file", "missing name", "duplicate name", "unknown header field", "bad indentation",
        "unknown op", "unknown precision", "negative filters", "truncated base64", "zero scale", "zero point out of range",
        "label count", "garbage line in a layer", "file ends inside a layer", "softmax not last", "dense before flatten",
        "unterminated label", "weight -128",
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void MalformedModelGivesItsDiagnosticOnItsLine(string edit)
    {
        string text = Edit(edit);
        var expected = Assert.Throws<QModelFormatException>(() => QModelReader.Read(text));
        var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, text));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal($"QMC{(int)expected.Code:0000}", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(expected.Detail, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(ModelPath, span.Path);
        Assert.Equal(Math.Max(expected.Line, 1), span.StartLinePosition.Line + 1);
        Assert.Empty(Assert.Single(result.Results).GeneratedSources);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Id == "CS8785");
    }

    [Fact]
    public void KnownCasesMapToTheExpectedCodesAndLines()
    {
        Assert.Equal(("QMC0001", 1), Diagnose(Edit("wrong version")));
        Assert.Equal(("QMC0001", 1), Diagnose(string.Empty));
        int labelsLine = Array.FindIndex(BaseLines, l => l.StartsWith("labels", StringComparison.Ordinal)) + 1;
        Assert.Equal(("QMC0007", labelsLine), Diagnose(Edit("label count")));
        int opLine = Array.FindIndex(BaseLines, l => l.StartsWith("layer conv1", StringComparison.Ordinal)) + 1;
        Assert.Equal(("QMC0010", opLine), Diagnose(Edit("unknown op")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void GarbageNeverCrashesTheGenerator()
    {
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var chars = new char[random.Next(0, 400)];
            for (int c = 0; c < chars.Length; c++)
            {
                chars[c] = random.Next(4) == 0 ? '\n' : (char)random.Next(1, 0x2FF);
            }

            string text = i % 2 == 0 ? new string(chars) : string.Join("\n", BaseLines.Take(random.Next(BaseLines.Length))) + new string(chars);
            var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, text));
            var diagnostic = Assert.Single(diagnostics);
            Assert.StartsWith("QMC00", diagnostic.Id);
            Assert.Empty(Assert.Single(result.Results).GeneratedSources);
            Assert.DoesNotContain(output.GetDiagnostics(), d => d.Id == "CS8785");
        }
    }

    [Fact]
    public void InvalidNamespaceIsAnUnsupportedModelError()
    {
        var driver = GeneratorHarness.Driver([new GeneratorHarness.ModelFile(ModelPath, string.Join("\n", BaseLines))], rootNamespace: "My-App.Models");
        var result = driver.RunGenerators(GeneratorHarness.Compilation()).GetRunResult();
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("QMC0100", diagnostic.Id);
        Assert.Contains("My-App.Models", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.Results[0].GeneratedSources);
    }

    [Fact]
    public void ItemMetadataNamespaceWinsOverRootNamespace()
    {
        var driver = GeneratorHarness.Driver(
            [new GeneratorHarness.ModelFile(ModelPath, string.Join("\n", BaseLines))],
            rootNamespace: "Root.Ns",
            itemNamespaces: new Dictionary<string, string> { [ModelPath] = "Item.Ns" });
        var result = driver.RunGenerators(GeneratorHarness.Compilation()).GetRunResult();
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Item.Ns.SmallModel.g.cs", Assert.Single(GeneratorHarness.ModelSources(result.Results[0])).HintName);

        var noNamespace = GeneratorHarness.Driver([new GeneratorHarness.ModelFile(ModelPath, string.Join("\n", BaseLines))], rootNamespace: null)
            .RunGenerators(GeneratorHarness.Compilation()).GetRunResult();
        Assert.Equal("SmallModel.g.cs", Assert.Single(GeneratorHarness.ModelSources(noNamespace.Results[0])).HintName);
    }

    [Fact]
    public void TwoFilesWithTheSameModelNameAreReportedNotThrown()
    {
        string text = string.Join("\n", BaseLines);
        var (output, diagnostics, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile("/a/small.qmodel", text), new GeneratorHarness.ModelFile("/b/small.qmodel", text));
        Assert.Contains(diagnostics, d => d.Id == "QMC0103");
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Id == "CS8785");
    }

    [Fact]
    public void OldLanguageVersionIsReportedInsteadOfBrokenCode()
    {
        var parse = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp10);
        var compilation = GeneratorHarness.Compilation().AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class C { }", parse));
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            [new ModelGenerator().AsSourceGenerator()], [new GeneratorHarness.ModelFile(ModelPath, string.Join("\n", BaseLines))], parse);
        var result = driver.RunGenerators(compilation).GetRunResult();
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("QMC0104", diagnostic.Id);
        Assert.Empty(result.Results[0].GeneratedSources);
    }

    private static (string Id, int Line) Diagnose(string text)
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, text));
        var diagnostic = Assert.Single(diagnostics);
        return (diagnostic.Id, diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    private static string Edit(string edit)
    {
        var lines = BaseLines.ToList();
        int Find(string prefix) => lines.FindIndex(l => l.TrimStart().StartsWith(prefix, StringComparison.Ordinal));
        switch (edit)
        {
            case "wrong version": lines[0] = "qmodel 3"; break;
            case "empty file": return string.Empty;
            case "missing name": lines.RemoveAt(Find("name ")); break;
            case "duplicate name": lines.Insert(Find("name ") + 1, "name Other"); break;
            case "unknown header field": lines.Insert(2, "author me"); break;
            case "bad indentation": lines[Find("filters")] = "   filters 4"; break;
            case "unknown op": lines[Find("layer conv1")] = "layer conv1 conv3d"; break;
            case "unknown precision": lines[Find("precision int8")] = "  precision int4"; break;
            case "negative filters": lines[Find("filters")] = "  filters -4"; break;
            case "truncated base64":
            {
                int i = Find("weights int8") + 1;
                lines[i] = lines[i].Substring(0, lines[i].Length - 5);
                break;
            }

            case "zero scale":
            {
                int i = Find("output_quant");
                lines[i] = System.Text.RegularExpressions.Regex.Replace(lines[i], "scale=[^ ]+", "scale=0");
                break;
            }

            case "zero point out of range":
            {
                int i = Find("output_quant");
                lines[i] = System.Text.RegularExpressions.Regex.Replace(lines[i], "zero_point=[^ ]+", "zero_point=200");
                break;
            }

            case "label count": lines.RemoveAt(Find("\"two\"")); break;
            case "garbage line in a layer": lines.Insert(Find("filters") + 1, "  !!!"); break;
            case "file ends inside a layer": lines = lines.Take(Find("filters") + 1).ToList(); break;
            case "softmax not last":
            {
                int start = Find("layer softmax");
                var block = lines.Skip(start).TakeWhile(l => l != "end").Concat(["end", string.Empty]).ToList();
                lines.RemoveRange(start, block.Count - 1);
                lines.InsertRange(Find("layer dense6"), block);
                break;
            }

            case "dense before flatten":
            {
                int start = Find("layer flatten");
                int count = lines.Skip(start).TakeWhile(l => l != "end").Count() + 1;
                lines.RemoveRange(start, count);
                break;
            }

            case "unterminated label": lines[Find("\"two\"")] = "  \"two"; break;
            case "weight -128":
            {
                // The first weight byte of conv1 becomes 0x80 (-128): re-encode the block's first line.
                int i = Find("weights int8") + 1;
                var bytes = Convert.FromBase64String(lines[i].Trim());
                bytes[0] = 0x80;
                lines[i] = "    " + Convert.ToBase64String(bytes);
                break;
            }

            default: throw new ArgumentException("unknown edit " + edit);
        }

        return string.Join("\n", lines);
    }
}

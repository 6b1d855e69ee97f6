using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ModelCompiler.Format;
using ModelCompiler.Generator.Emitting;
using ModelCompiler.IO;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// The generator's own malformed cases, on top of the format's suite: model names the format accepts but the generated
/// class cannot have, and files that are not UTF-8. Each is one error with its ID on its line, and no source.
/// </summary>
public sealed class GeneratorOnlyCasesTests
{
    private const string ModelPath = "/project/models/tiny.qmodel";

    public static TheoryData<string> MemberNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in ModelEmitter.MemberNames)
        {
            names.Add(name);
        }

        return names;
    }

    /// <summary>A model named like a member of its own class would fail inside generated code (CS0542); it is QMC0100 on the name line.</summary>
    [Theory]
    [MemberData(nameof(MemberNames))]
    public void ModelNamedLikeAGeneratedMemberIsReportedOnItsNameLine(string member)
    {
        string text = string.Join("\n", MalformedModels.Set(2, "name " + member)(MalformedModels.BaseText.Split('\n')));
        var diagnostic = SingleError(new GeneratorHarness.ModelFile(ModelPath, text));
        Assert.Equal(("QMC0100", 2), (diagnostic.Id, Line(diagnostic)));
        Assert.Contains($"the model name '{member}' is also the name of a member of the generated class", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The names the check knows are exactly the generated classes' members (so a new member cannot be forgotten): a
    /// model with a float output and one with an int8 output (which adds PredictQuantizedLogits).
    /// </summary>
    [Fact]
    public void TheMemberListIsTheGeneratedClasssMembers()
    {
        var int8Output = new TestModels(1).FashionCnn();
        var (output, diagnostics, _) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(),
            new GeneratorHarness.ModelFile(ModelPath, MalformedModels.BaseText),
            new GeneratorHarness.ModelFile("/project/models/fashion.qmodel", QModelWriter.Write(int8Output)));
        Assert.Empty(diagnostics);
        var members = new[] { "Consumer.App.TinyStripes", "Consumer.App." + int8Output.Name }
            .SelectMany(name => output.GetTypeByMetadataName(name)!.GetMembers())
            .Where(m => m is IMethodSymbol { MethodKind: MethodKind.Ordinary } || (m.Kind != SymbolKind.Method && !m.IsImplicitlyDeclared))
            .Select(m => m.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(members, ModelEmitter.MemberNames.OrderBy(n => n, StringComparer.Ordinal));
    }

    /// <summary>The format's keyword lists are the compiler's: every C# keyword and contextual keyword is refused as a model name.</summary>
    [Fact]
    public void EveryCSharpKeywordIsRefusedAsAModelName()
    {
        foreach (var kind in SyntaxFacts.GetReservedKeywordKinds())
        {
            string word = SyntaxFacts.GetText(kind);
            Assert.True(Identifiers.IsReservedKeyword(word), $"'{word}' is a C# keyword the format does not know");
        }

        foreach (var kind in SyntaxFacts.GetContextualKeywordKinds())
        {
            string word = SyntaxFacts.GetText(kind);
            Assert.True(!Identifiers.IsIdentifier(word) || Identifiers.IsContextualKeyword(word), $"'{word}' is a C# contextual keyword the format does not know");
        }
    }

    /// <summary>
    /// A file saved as UTF-16 or UTF-32 (the build decodes it by its byte-order mark), or with bytes that are not UTF-8
    /// (the build falls back to another encoding): the runtime reader's error, code and line, at build time.
    /// </summary>
    [Theory]
    [InlineData("utf-16 LE with BOM", 1)]
    [InlineData("utf-16 BE with BOM", 1)]
    [InlineData("utf-32 LE with BOM", 1)]
    [InlineData("latin-1 byte on line 8", 8)]
    public void FileThatIsNotUtf8IsTheRuntimesErrorAtBuildTime(string which, int line)
    {
        var (bytes, encoding) = which switch
        {
            "utf-16 LE with BOM" => (Bom(Encoding.Unicode, MalformedModels.BaseText), (Encoding?)null),
            "utf-16 BE with BOM" => (Bom(Encoding.BigEndianUnicode, MalformedModels.BaseText), null),
            "utf-32 LE with BOM" => (Bom(Encoding.UTF32, MalformedModels.BaseText), null),
            _ => (Encoding.Latin1.GetBytes(MalformedModels.BaseText.Replace("\"light\"", "\"l\u00e9ger\"")), Encoding.Latin1),
        };

        string path = Path.Combine(Path.GetTempPath(), $"encoding-{Guid.NewGuid():N}.qmodel");
        File.WriteAllBytes(path, bytes);
        try
        {
            var runtime = Assert.Throws<QModelFormatException>(() => QModelFile.Read(path));
            var diagnostic = SingleError(new BytesFile(ModelPath, bytes, encoding));
            Assert.Equal(($"QMC{(int)runtime.Code:0000}", runtime.Line), (diagnostic.Id, Line(diagnostic)));
            Assert.Equal(line, runtime.Line);
            Assert.Equal(runtime.Detail, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>UTF-8 with a byte-order mark is UTF-8: both accept it.</summary>
    [Fact]
    public void Utf8WithAByteOrderMarkIsAccepted()
    {
        var bytes = Bom(new UTF8Encoding(true), MalformedModels.BaseText);
        var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new BytesFile(ModelPath, bytes, null));
        Assert.Empty(diagnostics);
        Assert.Single(GeneratorHarness.ModelSources(Assert.Single(result.Results)));
    }

    /// <summary>
    /// Version 2 graphs compile: the format's graph example (1x1 expand, depthwise 3x3 stride 2, 1x1 project, a skip from
    /// the model input through an average pool, an addition) and two edits of it (a pool reading the model input
    /// instead of the previous layer; an addition of a tensor to itself) give a model source and no diagnostic, where
    /// the generator used to refuse them as QMC0100.
    /// </summary>
    [Theory]
    [InlineData("graph example")]
    [InlineData("skip connection")]
    [InlineData("addition")]
    public void VersionTwoGraphsCompile(string which)
    {
        string[] lines = MalformedModels.GraphBaseText.Split('\n');
        Func<string[], string[]>[] edits = which switch
        {
            // Lines of GraphBaseText (see its comment): dw 29-44, project's inputs 46, shortcut 62-68, residual's inputs 70.
            "skip connection" => [MalformedModels.Set(46, "  inputs expand"), MalformedModels.Set(64, "  pool 1 1"), MalformedModels.Set(65, "  stride 1 1"), MalformedModels.Delete(29, 44)],
            "addition" => [MalformedModels.Set(46, "  inputs expand"), MalformedModels.Set(70, "  inputs project project"), MalformedModels.Delete(62, 68), MalformedModels.Delete(29, 44)],
            _ => [],
        };
        string text = string.Join("\n", edits.Aggregate(lines, (current, edit) => edit(current)));
        Assert.False(TensorChain.InferGraph(QModelReader.Read(text)).IsSequential);

        var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, text));
        Assert.Empty(diagnostics);
        Assert.Contains("TinyResidual", Assert.Single(GeneratorHarness.ModelSources(Assert.Single(result.Results))).SourceText.ToString());
    }

    /// <summary>
    /// What no lowering compiles is still one QMC0100 on the line of its layer, inside a graph too: a float32 depthwise
    /// convolution (the reference interpreter runs it; the generator compiles int8 depthwise layers only), here the
    /// second layer of a graph whose dense layer reads the model's dequantized input through a skip.
    /// </summary>
    [Fact]
    public void UnsupportedLayerInAGraphIsQMC0100OnItsLine()
    {
        var layers = new List<Layer>
        {
            new DequantizeLayer("real") { Inputs = [ModelGraph.InputName] },
            new DepthwiseConv2DLayer("dwfloat", 3, 3, 1, 1, Padding.Same, Activation.Relu6, new Float32Weights(new float[18], [0.5f, -0.25f]), null) { Inputs = ["real"] },
            new AddLayer("sum", Activation.None, null) { Inputs = ["dwfloat", "real"] },
            new GlobalAveragePoolLayer("pool") { Inputs = ["sum"] },
            new DenseLayer("logits", 3, Activation.None, new Float32Weights(new float[6], new float[3]), null) { Inputs = ["pool"] },
        };
        var model = new QModel("FloatDepthwise", TensorShape.Image(4, 4, 2), InputLayout.Hwc, new Preprocessing(1f / 255f, 0f), new QuantParams(1f / 255f, -128), ["a", "b", "c"], [], layers);
        string text = QModelWriter.Write(model);
        Assert.Equal(3, new ModelCompiler.Interpreter.ReferenceInterpreter(QModelReader.Read(text)).Run(new float[32]).Probabilities.Length);

        var diagnostic = SingleError(new GeneratorHarness.ModelFile(ModelPath, text));
        Assert.Equal(("QMC0100", Array.FindIndex(text.Split('\n'), l => l.StartsWith("layer dwfloat ", StringComparison.Ordinal)) + 1), (diagnostic.Id, Line(diagnostic)));
        Assert.Equal(
            "depthwise_conv2d layer 'dwfloat' has precision float32: this generator compiles int8 depthwise convolutions only; ReferenceInterpreter.Load runs the model",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A version 2 file whose layers form a chain is the version 1 model: the generator emits the same source for both,
    /// up to the file lines its comments cite (each layer has one more line, its <c>inputs</c>).
    /// </summary>
    [Fact]
    public void VersionTwoChainCompilesToTheSourceOfItsVersionOneText()
    {
        string version2 = VersionTwoText.FromChain(MalformedModels.BaseText);
        Assert.StartsWith("qmodel 2\n", version2);
        Assert.All(QModelReader.Read(version2).Layers, layer => Assert.Single(layer.Inputs));
        Assert.Equal(Source(MalformedModels.BaseText), Source(version2));

        static string Source(string text)
        {
            var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, text));
            Assert.Empty(diagnostics);
            string source = Assert.Single(GeneratorHarness.ModelSources(Assert.Single(result.Results))).SourceText.ToString();
            return System.Text.RegularExpressions.Regex.Replace(source, @"\(line [0-9]+\)", "(line n)");
        }
    }

    /// <summary>The generator assembly exports one type, the generator; everything else is internal.</summary>
    [Fact]
    public void TheGeneratorExportsOnlyTheGenerator() =>
        Assert.Equal([typeof(ModelGenerator)], typeof(ModelGenerator).Assembly.GetExportedTypes());

    /// <summary>Every descriptor has a help link to its own section of docs/diagnostics.md.</summary>
    [Fact]
    public void EveryDiagnosticLinksToItsSection()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        foreach (var descriptor in Diagnostics.DiagnosticDescriptors.All.Values)
        {
            Assert.Equal("docs/diagnostics.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.Contains("\n### " + descriptor.Id + "\n", docs);
        }

        foreach (QModelError code in Enum.GetValues<QModelError>())
        {
            Assert.True(Diagnostics.DiagnosticDescriptors.All.ContainsKey($"QMC{(int)code:0000}"), $"no descriptor for the reader's code {code}");
        }
    }

    private static Diagnostic SingleError(AdditionalText file)
    {
        var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), file);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(ModelPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Empty(Assert.Single(result.Results).GeneratedSources);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Id == "CS8785");
        return diagnostic;
    }

    private static int Line(Diagnostic diagnostic) => diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;

    private static byte[] Bom(Encoding encoding, string text) => [.. encoding.GetPreamble(), .. encoding.GetBytes(text)];

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));

    /// <summary>A file as a build reads it: its bytes decoded by byte-order mark, else as <paramref name="fallback"/> (the build's fallback for bytes that are not UTF-8).</summary>
    private sealed class BytesFile(string path, byte[] bytes, Encoding? fallback) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default)
        {
            using var stream = new MemoryStream(bytes);
            return fallback is null ? SourceText.From(stream) : SourceText.From(stream, fallback);
        }
    }
}

using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelCompiler.Format;
using ModelCompiler.Generator.Emitting;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// The kernels are emitted once per assembly, into a namespace of that assembly's own, so two assemblies that see
/// each other's internals never define the same type (which would be warning CS0436, an error under
/// TreatWarningsAsErrors, in the one that sees the other's). Compiled as C# 11, the oldest language consumers may use.
/// </summary>
public sealed class SharedKernelsTests
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.CSharp11);

    [Fact]
    [Trait("Category", "Slow")]
    public void AssembliesWithInternalsVisibleToBetweenThemCompileCleanly()
    {
        string model = QModelWriter.Write(GeneratorPipelineTests.SmallModel());
        var library = Generate("Models.Library", "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"My-App\")]", "Models.Library", model, []);
        Assert.Empty(library.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        using var image = new MemoryStream();
        Assert.True(library.Output.Emit(image).Success);
        var reference = MetadataReference.CreateFromImage(image.ToArray());

        var app = Generate("My-App", "namespace App; public static class Program { public static int Main() => Models.Library.SmallModel.ClassCount; }", "App", model, [reference]);
        Assert.Empty(app.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.NotEqual(SharedKernelsEmitter.NamespaceFor("Models.Library"), SharedKernelsEmitter.NamespaceFor("My-App"));

        // The control: the library's kernels file compiled into the app as well (what one shared namespace would do)
        // is CS0436 there, so the check above would see the clash.
        var clash = app.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(library.Kernels, Parse));
        Assert.Contains(clash.GetDiagnostics(), d => d.Id == "CS0436");
    }

    [Theory]
    [InlineData("Consumer", "ModelCompiler.Generated.Assembly_Consumer")]
    [InlineData("My_App", "ModelCompiler.Generated.Assembly_My_App")]
    [InlineData("System", "ModelCompiler.Generated.Assembly_System")]
    public void TheNamespaceIsTheAssemblyNameWhenThatIsAnIdentifier(string assembly, string expected) =>
        Assert.Equal(expected, SharedKernelsEmitter.NamespaceFor(assembly));

    [Fact]
    public void NamesDifferingOnlyInPunctuationGetDifferentNamespaces()
    {
        string[] names = ["My.App", "My-App", "My_App", "My App"];
        Assert.Equal(names.Length, names.Select(SharedKernelsEmitter.NamespaceFor).Distinct().Count());
        Assert.All(names, n => Assert.True(SyntaxFacts.IsValidIdentifier(SharedKernelsEmitter.NamespaceFor(n).Split('.')[^1])));
    }

    [Fact]
    public void TwoModelsOfOneAssemblyShareOneKernelsFile()
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(),
            new GeneratorHarness.ModelFile("/m/small.qmodel", QModelWriter.Write(GeneratorPipelineTests.SmallModel())),
            new GeneratorHarness.ModelFile("/m/seven.qmodel", QModelWriter.Write(GeneratorPipelineTests.SmallSevenBitModel())));
        Assert.Empty(diagnostics);
        var run = Assert.Single(result.Results);
        Assert.Equal(2, GeneratorHarness.ModelSources(run).Length);
        Assert.Single(run.GeneratedSources, s => s.HintName == SharedKernelsEmitter.HintName);
        Assert.All(GeneratorHarness.ModelSources(run), s => Assert.DoesNotContain("static void FlipSign(", s.SourceText.ToString()));
    }

    private static (Compilation Output, string Kernels) Generate(string assembly, string source, string rootNamespace, string model, MetadataReference[] references)
    {
        var compilation = CSharpCompilation.Create(
            assembly, [CSharpSyntaxTree.ParseText(source, Parse)], [.. Net100.References.All, .. references],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = GeneratorHarness.Driver([new GeneratorHarness.ModelFile("/m/small.qmodel", model)], rootNamespace, language: LanguageVersion.CSharp11)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var kernels = GeneratorHarness.KernelSource(driver.GetRunResult().Results[0])!.Value.SourceText.ToString();
        return (output, kernels);
    }
}

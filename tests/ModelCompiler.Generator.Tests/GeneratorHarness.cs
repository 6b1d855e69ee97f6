using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ModelCompiler.Generator.Tests;

/// <summary>Runs <see cref="ModelGenerator"/> in-process through <see cref="CSharpGeneratorDriver"/>, as a build would.</summary>
public static class GeneratorHarness
{
    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            CompiledModel.AssemblyName,
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), $"Source{i}.cs")),
            Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(
        IEnumerable<AdditionalText> files, string? rootNamespace = "Consumer.App", IReadOnlyDictionary<string, string>? itemNamespaces = null, LanguageVersion language = LanguageVersion.Latest) =>
        CSharpGeneratorDriver.Create(
            [new ModelGenerator().AsSourceGenerator()],
            additionalTexts: files.ToImmutableArray(),
            parseOptions: new CSharpParseOptions(language),
            optionsProvider: new OptionsProvider(rootNamespace, itemNamespaces ?? new Dictionary<string, string>()),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns the output compilation, the generator's diagnostics and its sources.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriverRunResult Result) Run(
        CSharpCompilation compilation, params AdditionalText[] files)
    {
        var driver = Driver(files).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, diagnostics, driver.GetRunResult());
    }

    /// <summary>The generated files of the models, without the assembly's shared kernels file.</summary>
    public static GeneratedSourceResult[] ModelSources(GeneratorRunResult result) =>
        result.GeneratedSources.Where(s => s.HintName != Emitting.SharedKernelsEmitter.HintName).ToArray();

    /// <summary>The assembly's shared kernels file (null when no model generated code).</summary>
    public static GeneratedSourceResult? KernelSource(GeneratorRunResult result) =>
        result.GeneratedSources.Where(s => s.HintName == Emitting.SharedKernelsEmitter.HintName).Cast<GeneratedSourceResult?>().SingleOrDefault();

    public sealed class ModelFile(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class OptionsProvider(string? rootNamespace, IReadOnlyDictionary<string, string> itemNamespaces) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(rootNamespace is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(itemNamespaces.TryGetValue(textFile.Path, out var ns)
            ? new Dictionary<string, string> { ["build_metadata.AdditionalFiles.Namespace"] = ns }
            : new Dictionary<string, string>());
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}

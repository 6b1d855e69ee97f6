using Microsoft.CodeAnalysis;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Every case of the malformed-file suite (<see cref="MalformedModels"/>, which the runtime reader's tests run too)
/// through the generator: exactly one error, QMC + the case's code, on the case's line of the .qmodel file, and no
/// generated source.
/// </summary>
public sealed class MalformedSuiteThroughGeneratorTests
{
    private const string ModelPath = "/project/models/tiny.qmodel";

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var c in MalformedModels.Cases)
        {
            names.Add(c.Name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void EachCaseIsItsDiagnosticOnItsLine(string name)
    {
        var (_, _, code, line) = MalformedModels.Case(name);
        string text = MalformedModels.Case(name).Text;
        var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, text));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal($"QMC{(int)code:0000}", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(ModelPath, span.Path);
        Assert.Equal(Math.Max(line, 1), span.StartLinePosition.Line + 1);
        Assert.Empty(Assert.Single(result.Results).GeneratedSources);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Id == "CS8785");
    }

    [Fact]
    public void TheBaseModelGeneratesCleanly()
    {
        var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, MalformedModels.BaseText));
        Assert.Empty(diagnostics);
        Assert.Single(GeneratorHarness.ModelSources(Assert.Single(result.Results)));
        Assert.NotNull(GeneratorHarness.KernelSource(result.Results[0]));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}

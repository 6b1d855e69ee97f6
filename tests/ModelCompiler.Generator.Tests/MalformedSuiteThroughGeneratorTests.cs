using System.Reflection;
using Microsoft.CodeAnalysis;
using ModelCompiler.Format;
using ModelCompiler.Runtime.Tests;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Every case of the foundation's malformed-file suite (tests/ModelCompiler.Runtime.Tests/MalformedModelTests.cs,
/// compiled in here and read through reflection so the case list stays in one place) run through the generator:
/// exactly one error, QMC + the case's code, on the case's line of the .qmodel file, and no generated source.
/// </summary>
public sealed class MalformedSuiteThroughGeneratorTests
{
    private const string ModelPath = "/project/models/tiny.qmodel";

    public static TheoryData<string> CaseNames() => MalformedModelTests.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void EachCaseIsItsDiagnosticOnItsLine(string name)
    {
        var (edit, code, line) = Case(name);
        string text = string.Join("\n", edit(MalformedModelTests.BaseText.Split('\n')));
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
        var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile(ModelPath, MalformedModelTests.BaseText));
        Assert.Empty(diagnostics);
        Assert.Single(GeneratorHarness.ModelSources(Assert.Single(result.Results)));
        Assert.NotNull(GeneratorHarness.KernelSource(result.Results[0]));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static (Func<string[], string[]> Edit, QModelError Code, int Line) Case(string name)
    {
        var cases = (Array)typeof(MalformedModelTests).GetField("Cases", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        foreach (var c in cases)
        {
            var type = c!.GetType();
            if ((string)type.GetProperty("Name")!.GetValue(c)! == name)
            {
                return ((Func<string[], string[]>)type.GetProperty("Edit")!.GetValue(c)!, (QModelError)type.GetProperty("Code")!.GetValue(c)!, (int)type.GetProperty("Line")!.GetValue(c)!);
            }
        }

        throw new ArgumentException("no malformed case named " + name);
    }
}

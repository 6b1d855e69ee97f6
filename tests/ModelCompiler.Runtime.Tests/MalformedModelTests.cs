using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

/// <summary>The malformed-file suite (<see cref="MalformedModels"/>) through the runtime reader: the exact code, line and message prefix.</summary>
public sealed class MalformedModelTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var c in MalformedModels.Cases)
        {
            names.Add(c.Name);
        }

        return names;
    }

    [Fact]
    public void BaseTextIsValid() => QModelReader.Read(MalformedModels.BaseText);

    [Fact]
    public void GraphBaseTextIsValidAndAGraph() => Assert.False(TensorChain.InferGraph(QModelReader.Read(MalformedModels.GraphBaseText)).IsSequential);

    [Fact]
    public void CaseNamesAreDistinct() => Assert.Equal(MalformedModels.Cases.Length, MalformedModels.Cases.Select(c => c.Name).Distinct().Count());

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ReportsCodeAndLine(string name)
    {
        var c = MalformedModels.Case(name);
        var error = Assert.Throws<QModelFormatException>(() => QModelReader.Read(c.Text));
        output.WriteLine(error.Message);
        Assert.True(
            (c.Code, c.Line) == (error.Code, error.Line),
            $"expected {c.Code} at line {c.Line}, got {error.Message}");
        Assert.StartsWith($"QM{(int)c.Code:000} line {c.Line}: ", error.Message);
    }
}

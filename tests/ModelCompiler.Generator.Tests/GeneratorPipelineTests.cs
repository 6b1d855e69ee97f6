using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>The generator as a build runs it: namespaces, incrementality, hostile text, baseline of the generated file.</summary>
public sealed class GeneratorPipelineTests
{
    private const string BaselineEnvironmentVariable = "MODELCOMPILER_UPDATE_BASELINES";

    /// <summary>A tiny deterministic model covering the fused int8 conv+pool, an int8 dense, dequantize and a float dense.</summary>
    public static QModel SmallModel()
    {
        var b = new ModelBuilder(new Random(7), TensorShape.Image(6, 6, 1));
        b.Conv(4, 3, 1, Padding.Same, Activation.Relu).MaxPool(2, 2, Padding.Valid).Flatten(FlattenOrder.Chw)
            .Dense(5, Activation.Relu).Dequantize().Dense(3, Activation.None, Precision.Float32).Softmax();
        return new QModel("SmallModel", TensorShape.Image(6, 6, 1), InputLayout.Hwc, new Preprocessing(1f / 255f, 0f), b.InputQuant,
            ["zero", "one", "two"], [new ProvenanceEntry("purpose", "baseline test")], b.Layers);
    }

    /// <summary>
    /// 7-bit weights: a same-padded conv fused with its pool and a strided valid conv that is not, both on the
    /// register-blocked kernel, then an int8 dense.
    /// </summary>
    public static QModel SmallSevenBitModel()
    {
        var b = new ModelBuilder(new Random(8), TensorShape.Image(9, 9, 3)) { WeightLimit = 63 };
        b.Conv(16, 3, 1, Padding.Same, Activation.Relu).MaxPool(2, 2, Padding.Valid).Conv(20, 2, 1, Padding.Valid, Activation.Relu6)
            .Flatten(FlattenOrder.Hwc).Dense(4, Activation.None);
        return new QModel("SmallSevenBitModel", TensorShape.Image(9, 9, 3), InputLayout.Hwc, new Preprocessing(1f / 255f, 0f), b.InputQuant,
            ["a", "b", "c", "d"], [new ProvenanceEntry("purpose", "baseline test")], b.Layers);
    }

    [Theory]
    [InlineData(nameof(SmallModel))]
    [InlineData(nameof(SmallSevenBitModel))]
    [InlineData("Kernels")]
    public void GeneratedSourceMatchesTheBaseline(string name)
    {
        var model = name == nameof(SmallSevenBitModel) ? SmallSevenBitModel() : SmallModel();
        string text = QModelWriter.Write(model);
        var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile("/models/small.qmodel", text));
        Assert.Empty(diagnostics);
        var run = Assert.Single(result.Results);
        Assert.Equal(2, run.GeneratedSources.Length);
        var generated = name == "Kernels" ? GeneratorHarness.KernelSource(run)!.Value : Assert.Single(GeneratorHarness.ModelSources(run));
        Assert.Equal(name == "Kernels" ? "ModelCompiler-Kernels.g.cs" : $"Consumer.App.{name}.g.cs", generated.HintName);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        string actual = generated.SourceText.ToString();
        string path = Path.Combine(BaselineDirectory(), $"{(name == "Kernels" ? "ModelCompiler-Kernels" : name)}.g.cs.txt");
        if (Environment.GetEnvironmentVariable(BaselineEnvironmentVariable) == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"baseline {path} is missing; run the tests with {BaselineEnvironmentVariable}=1 to create it");
        string expected = File.ReadAllText(path);
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            int line = 0;
            while (line < Math.Min(expectedLines.Length, actualLines.Length) && expectedLines[line] == actualLines[line])
            {
                line++;
            }

            Assert.Fail($"generated source differs from {path} at line {line + 1}:\n expected: {Line(expectedLines, line)}\n actual:   {Line(actualLines, line)}\n"
                + $"If the change is intended, rerun with {BaselineEnvironmentVariable}=1 and review the diff.");
        }
    }

    [Fact]
    public void UnchangedInputIsCachedAndUnrelatedEditsDoNotReEmit()
    {
        var file = new GeneratorHarness.ModelFile("/models/small.qmodel", QModelWriter.Write(SmallModel()));
        var compilation = GeneratorHarness.Compilation("namespace Consumer.App; public static class Program { public static int Main() => 0; }");
        var driver = GeneratorHarness.Driver([file]).RunGenerators(compilation);
        Assert.Equal(2, driver.GetRunResult().GeneratedTrees.Length);

        // Same input again: every tracked step is cached or unchanged.
        driver = driver.RunGenerators(compilation.Clone());
        AssertAllCached(driver.GetRunResult(), "rerun with unchanged input");

        // An unrelated source file changes: the model steps do not run again.
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Consumer.App; public static class Other { }", new CSharpParseOptions(LanguageVersion.Latest), "Other.cs"));
        driver = driver.RunGenerators(edited);
        AssertAllCached(driver.GetRunResult(), "rerun after an unrelated edit");
    }

    [Fact]
    public void ChangingTheModelReRunsTheSteps()
    {
        var compilation = GeneratorHarness.Compilation();
        var original = new GeneratorHarness.ModelFile("/models/small.qmodel", QModelWriter.Write(SmallModel()));
        var driver = GeneratorHarness.Driver([original]).RunGenerators(compilation);
        var changed = new GeneratorHarness.ModelFile("/models/small.qmodel", QModelWriter.Write(SmallModel()).Replace("\"two\"", "\"deux\""));
        driver = driver.ReplaceAdditionalText(original, changed).RunGenerators(compilation);
        var steps = driver.GetRunResult().Results[0].TrackedSteps[ModelGenerator.EmitStep];
        Assert.Contains(steps.SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("\"deux\"", Assert.Single(GeneratorHarness.ModelSources(driver.GetRunResult().Results[0])).SourceText.ToString());
    }

    private static void AssertAllCached(GeneratorDriverRunResult result, string when)
    {
        var run = Assert.Single(result.Results);
        foreach (var name in new[] { ModelGenerator.SourceStep, ModelGenerator.PlanStep, ModelGenerator.EmitStep })
        {
            Assert.True(run.TrackedSteps.TryGetValue(name, out var steps), $"{when}: step {name} was not tracked");
            foreach (var output in steps.SelectMany(s => s.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{when}: step {name} output was {output.Reason}");
            }
        }

        foreach (var output in run.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs))
        {
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{when}: an output step was {output.Reason}");
        }
    }

    private static string Line(string[] lines, int index) => index < lines.Length ? lines[index] : "<end of file>";

    private static string BaselineDirectory([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Baselines");
}

using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// The hand-computed vectors of docs/arithmetic.md ("TFLite's double rounding") through generated code, on every vector
/// path this process runs: a 1x1 convolution and a dense layer, each with one rule and the other.
/// </summary>
public sealed class TfliteRoundingTests
{
    public static IEnumerable<object[]> Layers =>
        from convolution in new[] { false, true }
        from rounding in new[] { Rounding.Single, Rounding.Tflite }
        select new object[] { convolution, rounding, VectorPaths.Description };

    [Theory]
    [MemberData(nameof(Layers))]
    public void GeneratedCodeGivesTheHandComputedOutputs(bool convolution, Rounding rounding, string paths)
    {
        Assert.Equal(VectorPaths.Description, paths);
        var model = TfliteRoundingModels.Create(convolution, rounding);
        using var compiled = CompiledModel.Build(model);
        var expected = TfliteRoundingModels.Cases.Select(c => rounding == Rounding.Tflite ? c.Tflite : c.Single).ToArray();
        var output = new sbyte[expected.Length];
        foreach (int bits in BitExactness.VectorWidths)
        {
            compiled.SetVectorBits(bits);
            compiled.QuantizedLogits!(TfliteRoundingModels.Input, output);
            Assert.True(expected.SequenceEqual(output), $"{bits} bits: [{string.Join(", ", output)}] instead of [{string.Join(", ", expected)}]");
        }
    }
}

using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Layers with a weight zero point (<c>weight_zero_point</c>, TFLite's legacy uint8 scheme) through generated code on every
/// vector path this process runs: the hand-computed example of each op, and random sequential models and graphs
/// (convolutions with padding and strides, depthwise convolutions, dense layers) whose int8 weighted layers all get zero
/// points, against the reference interpreter, with each rounding rule.
/// </summary>
public sealed class WeightZeroPointTests
{
    public static IEnumerable<object[]> Ops => new[] { "conv", "dense", "depthwise" }.Select(op => new object[] { op, VectorPaths.Description });

    [Theory]
    [MemberData(nameof(Ops))]
    public void GeneratedCodeGivesTheHandComputedOutputs(string op, string paths)
    {
        Assert.Equal(VectorPaths.Description, paths);
        var model = WeightZeroPointModels.Create(op);
        using var compiled = CompiledModel.Build(model);
        var expected = op == "depthwise" ? WeightZeroPointModels.DepthwiseOutputs : WeightZeroPointModels.ConvolutionOutputs;
        var output = new sbyte[expected.Length];
        foreach (int bits in BitExactness.VectorWidths)
        {
            compiled.SetVectorBits(bits);
            compiled.QuantizedLogits!(WeightZeroPointModels.Input, output);
            Assert.True(expected.SequenceEqual(output), $"{bits} bits: [{string.Join(", ", output)}] instead of [{string.Join(", ", expected)}]");
        }
    }

    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 4).Select(seed => new object[] { seed, VectorPaths.Description });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomModelsWithWeightZeroPointsMatchTheInterpreter(int seed, string paths)
    {
        var model = WeightZeroPointModels.WithWeightZeroPoints(new TestModels(200 + seed).RandomInt8(), seed);
        Assert.Contains(model.Layers, l => l is WeightedLayer { Weights: Int8Weights { WeightZeroPoint: not 0 } });
        if (seed % 2 == 0)
        {
            model = GraphBitExactnessTests.WithRounding(model, Rounding.Tflite);
        }

        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, 200, seed, paths);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomGraphsWithWeightZeroPointsMatchTheInterpreter(int seed, string paths)
    {
        var model = WeightZeroPointModels.WithWeightZeroPoints(new GraphModels(300 + seed).Random("ZeroPointGraph" + seed), seed);
        Assert.Contains(model.Layers, l => l is DepthwiseConv2DLayer { Weights: Int8Weights { WeightZeroPoint: not 0 } });
        if (seed % 2 == 0)
        {
            model = GraphBitExactnessTests.WithRounding(model, Rounding.Tflite);
        }

        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, 200, seed, paths);
    }
}

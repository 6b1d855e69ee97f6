using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Per-layer rounding rules (a layer's <c>rounding single|tflite</c> overriding the header's), as the TFLite import
/// writes them: random graphs whose convolutions round once and whose depthwise convolutions, dense layers and additions
/// round twice (TFLite's builtin kernels), and the reverse, against the interpreter on every vector path this process
/// runs. The mixed rule must change some answers relative to each uniform rule, or the comparison could not tell that
/// the generator took each layer's own rule.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PerLayerRoundingBitExactnessTests
{
    private const int Inputs = 500;

    public static IEnumerable<object[]> Cases =>
        from seed in Enumerable.Range(1, 4)
        from header in new[] { Rounding.Tflite, Rounding.Single }
        select new object[] { seed, header, VectorPaths.Description };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MixedRulesMatchTheInterpreter(int seed, Rounding header, string paths)
    {
        var uniform = new GraphModels(seed) { SevenBitWeights = seed % 2 == 0 }.Random("MixedRounding" + seed);
        var convolutions = header == Rounding.Tflite ? Rounding.Single : Rounding.Tflite;
        var model = WithConvolutionRounding(uniform, header, convolutions);
        Assert.All(model.Layers.OfType<Conv2DLayer>(), l => Assert.Equal(convolutions, l.RoundingIn(model)));
        Assert.All(model.Layers.Where(l => l is not Conv2DLayer), l => Assert.Equal(header, l.RoundingIn(model)));

        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed, paths);

        var mixed = new ReferenceInterpreter(model);
        var once = new ReferenceInterpreter(GraphBitExactnessTests.WithRounding(uniform, Rounding.Single));
        var twice = new ReferenceInterpreter(GraphBitExactnessTests.WithRounding(uniform, Rounding.Tflite));
        var random = new Random(seed);
        var input = new byte[model.InputShape.Length];
        int unlikeOnce = 0, unlikeTwice = 0;
        for (int n = 0; n < Inputs; n++)
        {
            random.NextBytes(input);
            var scores = mixed.Run(input).Scores;
            unlikeOnce += scores.AsSpan().SequenceEqual(once.Run(input).Scores) ? 0 : 1;
            unlikeTwice += scores.AsSpan().SequenceEqual(twice.Run(input).Scores) ? 0 : 1;
        }

        Assert.True(unlikeOnce > 0 && unlikeTwice > 0, $"seed {seed}: the mixed rule equals a uniform one on all {Inputs} inputs ({unlikeOnce} differ from single, {unlikeTwice} from tflite)");
    }

    /// <summary>
    /// <paramref name="model"/> (a file without a <c>rounding</c> line) with the header's rule <paramref name="header"/>
    /// and <c>rounding <paramref name="convolutions"/></c> on every conv2d layer, through the format's text so the
    /// reader's parsing of the field is part of the test.
    /// </summary>
    private static QModel WithConvolutionRounding(QModel model, Rounding header, Rounding convolutions)
    {
        var lines = new List<string>();
        foreach (string line in QModelWriter.Write(model).Split('\n'))
        {
            lines.Add(line);
            if (line.StartsWith("name ", StringComparison.Ordinal) && header == Rounding.Tflite)
            {
                lines.Add("rounding tflite");
            }
            else if (line.StartsWith("layer ", StringComparison.Ordinal) && line.EndsWith(" conv2d", StringComparison.Ordinal))
            {
                lines.Add("  rounding " + (convolutions == Rounding.Tflite ? "tflite" : "single"));
            }
        }

        return QModelReader.Read(string.Join("\n", lines));
    }
}

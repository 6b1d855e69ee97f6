using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Version 2 graphs (depthwise convolutions, additions, skip connections, ReLU6 fusions; <see cref="GraphModels"/>)
/// compiled and run against the reference interpreter on every vector path this process runs, the scalar path
/// included; each test's name says which paths (e.g. <c>paths: "avx512+avx2+vector128+scalar"</c>).
/// <see cref="GraphPlanTests.TheTestGraphsCoverEveryNewOperatorCase"/> checks what these models contain.
/// </summary>
[Trait("Category", "Slow")]
public sealed class GraphBitExactnessTests
{
    private const int Inputs = 500;

    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 16).Select(seed => new object[] { seed, VectorPaths.Description });

    public static IEnumerable<object[]> Blocks => [[false, VectorPaths.Description], [true, VectorPaths.Description]];

    /// <summary>Random graphs; even seeds have 7-bit weights (register-blocked pointwise convolutions), odd seeds 8-bit.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomGraphsMatchTheInterpreter(int seed, string paths)
    {
        var model = new GraphModels(seed) { SevenBitWeights = seed % 2 == 0 }.Random("Graph" + seed);
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed, paths);
    }

    public static IEnumerable<object[]> TfliteSeeds => Enumerable.Range(1, 4).Select(seed => new object[] { seed, VectorPaths.Description });

    /// <summary>
    /// Random graphs with TFLite's rounding (<c>rounding tflite</c>): every requantizing kernel (convolution, depthwise,
    /// dense, addition) with the sign-dependent rounding term, against the interpreter with the same rule. The rule must
    /// change some answers of these graphs, or the comparison could not tell the two rules apart.
    /// </summary>
    [Theory]
    [MemberData(nameof(TfliteSeeds))]
    public void RandomGraphsWithTfliteRoundingMatchTheInterpreter(int seed, string paths)
    {
        var single = new GraphModels(seed) { SevenBitWeights = seed % 2 == 0 }.Random("TfliteGraph" + seed);
        var model = WithRounding(single, ModelCompiler.Format.Rounding.Tflite);
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed, paths);

        var random = new Random(seed);
        var tflite = new ModelCompiler.Interpreter.ReferenceInterpreter(model);
        var once = new ModelCompiler.Interpreter.ReferenceInterpreter(single);
        var input = new byte[model.InputShape.Length];
        int differing = 0;
        for (int n = 0; n < Inputs; n++)
        {
            random.NextBytes(input);
            differing += tflite.Run(input).Scores.AsSpan().SequenceEqual(once.Run(input).Scores) ? 0 : 1;
        }

        Assert.True(differing > 0, $"seed {seed}: TFLite's rounding changed none of {Inputs} answers");
    }

    public static IEnumerable<object[]> MeanRoundings =>
        [[ModelCompiler.Format.Rounding.Single, VectorPaths.Description], [ModelCompiler.Format.Rounding.Tflite, VectorPaths.Description]];

    /// <summary>
    /// An int8 global average pool that rescales (TFLite's integer MEAN, <see cref="GraphModels.RescalingMean"/>) with
    /// either rule, over 37 channels (vector blocks and a scalar tail).
    /// </summary>
    [Theory]
    [MemberData(nameof(MeanRoundings))]
    public void RescalingMeanMatchesTheInterpreter(ModelCompiler.Format.Rounding rounding, string paths)
    {
        var model = new GraphModels(76).RescalingMean(rounding);
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 76, paths);
    }

    /// <summary><paramref name="model"/> with another rounding rule.</summary>
    internal static ModelCompiler.Format.QModel WithRounding(ModelCompiler.Format.QModel model, ModelCompiler.Format.Rounding rounding) =>
        new(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant, model.Labels, model.Provenance, model.Layers) { Rounding = rounding };

    public static IEnumerable<object[]> Activations =>
        Enum.GetValues<ModelCompiler.Format.Activation>().Select(activation => new object[] { activation, VectorPaths.Description });

    /// <summary>A float32 addition of two dequantized branches, with each fused activation.</summary>
    [Theory]
    [MemberData(nameof(Activations))]
    public void FloatAdditionMatchesTheInterpreter(ModelCompiler.Format.Activation activation, string paths)
    {
        var model = new GraphModels(80 + (int)activation).FloatAddition(activation);
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 80 + (int)activation, paths);
    }

    /// <summary>The inverted residual block (1x1 expand, depthwise 3x3, 1x1 project, add of the block's input), 8-bit and 7-bit weights.</summary>
    [Theory]
    [MemberData(nameof(Blocks))]
    public void InvertedResidualMatchesTheInterpreter(bool sevenBit, string paths)
    {
        var model = new GraphModels(sevenBit ? 72 : 71) { SevenBitWeights = sevenBit }.InvertedResidual();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, 1000, sevenBit ? 72 : 71, paths);
    }

    /// <summary>
    /// 3x3 depthwise convolutions of the shapes AVX2's byte-quad kernel takes and of its edges (<see cref="GraphModels.ThreeByThreeDepthwise"/>),
    /// with 7-bit weights (which it takes) and 8-bit ones (which it leaves where a weight pair could saturate), with
    /// either rounding rule.
    /// </summary>
    [Theory]
    [MemberData(nameof(Blocks))]
    public void ThreeByThreeDepthwiseMatchesTheInterpreter(bool sevenBit, string paths)
    {
        var model = new GraphModels(sevenBit ? 74 : 73) { SevenBitWeights = sevenBit }.ThreeByThreeDepthwise();
        foreach (var rounding in new[] { ModelCompiler.Format.Rounding.Single, ModelCompiler.Format.Rounding.Tflite })
        {
            var withRounding = WithRounding(model, rounding);
            using var compiled = CompiledModel.Build(withRounding);
            BitExactness.Check(withRounding, compiled, Inputs, sevenBit ? 74 : 73, paths);
        }
    }

    /// <summary>
    /// 8-bit 3x3 depthwise convolutions large enough for AVX2's word-pair kernel to take in bands of rows
    /// (<see cref="GraphModels.LargeEightBitDepthwise"/>), with TFLite's rounding as the imported MobileNetV2's.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void LargeEightBitDepthwiseMatchesTheInterpreter(string paths)
    {
        var model = WithRounding(new GraphModels(75).LargeEightBitDepthwise(), ModelCompiler.Format.Rounding.Tflite);
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, 60, 75, paths);
    }

    public static IEnumerable<object[]> Paths => [[VectorPaths.Description]];

    /// <summary>
    /// The trained intel-mobilenet of the Intel sample on every path: 100 inputs in CI (which also checks all 1,090 test
    /// photographs through the sample, .ci/run), 1,000 with MODELCOMPILER_FULL_BITEXACT=1 (issue 12's acceptance).
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void TheIntelSampleMobileNetMatchesTheInterpreter(string paths)
    {
        var model = ModelCompiler.IO.QModelFile.Read(SampleModel("intel-mobilenet.qmodel"));
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, BitExactness.LargeModelInputs, 12, paths);
    }

    private static string SampleModel(string file, [System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "samples", "IntelClassifier.Model", file));
}

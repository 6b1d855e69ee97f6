using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Generated code against the reference interpreter on every vector path this process runs, the scalar path included;
/// each test's name says which paths (e.g. <c>paths: "avx512+avx2+vector128+scalar"</c>).
/// </summary>
[Trait("Category", "Slow")]
public sealed class BitExactnessTests
{
    private const int Inputs = 1000;

    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 12).Select(seed => new object[] { seed, VectorPaths.Description });

    public static IEnumerable<object[]> Paths => [[VectorPaths.Description]];

    public static IEnumerable<object[]> MixedCases =>
    [
        [InputLayout.Hwc, false, 21, VectorPaths.Description],
        [InputLayout.Chw, false, 22, VectorPaths.Description],
        [InputLayout.Hwc, true, 23, VectorPaths.Description],
        [InputLayout.Chw, true, 24, VectorPaths.Description],
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomInt8ModelsMatchTheInterpreter(int seed, string paths)
    {
        var model = new TestModels(seed).RandomInt8();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed, paths);
    }

    /// <summary>The same random shapes with 7-bit weights: every convolution takes the register-blocked kernel.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomSevenBitModelsMatchTheInterpreter(int seed, string paths)
    {
        var model = new TestModels(100 + seed) { SevenBitWeights = true }.RandomInt8();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed, paths);
    }

    /// <summary>The same random shapes with <c>ties up</c> average pools (TFLite's uint8 pool rounding).</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomModelsWithTiesUpPoolsMatchTheInterpreter(int seed, string paths)
    {
        var model = new TestModels(200 + seed) { AverageTies = AverageTies.Up }.RandomInt8();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed, paths);
    }

    [Theory]
    [MemberData(nameof(MixedCases))]
    public void MixedPrecisionModelsMatchTheInterpreter(InputLayout layout, bool floatInput, int seed, string paths)
    {
        var model = new TestModels(seed).MixedPrecision(layout, floatInput);
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed, paths);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void FloatTailMatchesTheInterpreter(string paths)
    {
        var model = new TestModels(31).FloatTail();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 31, paths);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void FloatGlobalPoolMatchesTheInterpreter(string paths)
    {
        var model = new TestModels(32).FloatGlobalPool();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 32, paths);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void FashionCnnShapeMatchesTheInterpreter(string paths)
    {
        var model = new TestModels(41).FashionCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 41, paths);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void SevenBitFashionCnnShapeMatchesTheInterpreter(string paths)
    {
        var model = new TestModels(43) { SevenBitWeights = true }.FashionCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 43, paths);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void SevenBitIntelCnnShapeMatchesTheInterpreter(string paths)
    {
        var model = new TestModels(44) { SevenBitWeights = true }.IntelCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, IntelInputs, 44, paths);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void IntelCnnShapeMatchesTheInterpreter(string paths)
    {
        var model = new TestModels(42).IntelCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, IntelInputs, 42, paths);
    }

    private static int IntelInputs => BitExactness.LargeModelInputs;
}

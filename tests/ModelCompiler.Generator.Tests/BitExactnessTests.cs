using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>Generated code against the reference interpreter on every vector path and the scalar path.</summary>
public sealed class BitExactnessTests
{
    private const int Inputs = 1000;

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomInt8ModelsMatchTheInterpreter(int seed)
    {
        var model = new TestModels(seed).RandomInt8();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed);
    }

    /// <summary>The same random shapes with 7-bit weights: every convolution takes the register-blocked kernel.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomSevenBitModelsMatchTheInterpreter(int seed)
    {
        var model = new TestModels(100 + seed) { SevenBitWeights = true }.RandomInt8();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed);
    }

    [Theory]
    [InlineData(InputLayout.Hwc, false, 21)]
    [InlineData(InputLayout.Chw, false, 22)]
    [InlineData(InputLayout.Hwc, true, 23)]
    [InlineData(InputLayout.Chw, true, 24)]
    public void MixedPrecisionModelsMatchTheInterpreter(InputLayout layout, bool floatInput, int seed)
    {
        var model = new TestModels(seed).MixedPrecision(layout, floatInput);
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, seed);
    }

    [Fact]
    public void FloatTailMatchesTheInterpreter()
    {
        var model = new TestModels(31).FloatTail();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 31);
    }

    [Fact]
    public void FloatGlobalPoolMatchesTheInterpreter()
    {
        var model = new TestModels(32).FloatGlobalPool();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 32);
    }

    [Fact]
    public void FashionCnnShapeMatchesTheInterpreter()
    {
        var model = new TestModels(41).FashionCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 41);
    }

    [Fact]
    public void SevenBitFashionCnnShapeMatchesTheInterpreter()
    {
        var model = new TestModels(43) { SevenBitWeights = true }.FashionCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, Inputs, 43);
    }

    [Fact]
    public void SevenBitIntelCnnShapeMatchesTheInterpreter()
    {
        var model = new TestModels(44) { SevenBitWeights = true }.IntelCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, IntelInputs, 44);
    }

    [Fact]
    public void IntelCnnShapeMatchesTheInterpreter()
    {
        var model = new TestModels(42).IntelCnn();
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, IntelInputs, 42);
    }

    /// <summary>
    /// Inputs for intel-cnn. The reference interpreter needs ~0.1 s per intel-cnn input (two runs per input: floats and
    /// pixels), so CI checks 100 inputs (~25 s); MODELCOMPILER_FULL_BITEXACT=1 checks 1,000 (~4 minutes on 2 cores).
    /// </summary>
    private static int IntelInputs => Environment.GetEnvironmentVariable("MODELCOMPILER_FULL_BITEXACT") == "1" ? 1000 : 100;
}

using Microsoft.CodeAnalysis;
using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>What the generated step of a pad layer says and calls (its arithmetic is BitExactnessTests' business).</summary>
public sealed class PadEmitterTests
{
    /// <summary>The models BitExactnessTests compiles hold pads of both element types, on the input and between layers.</summary>
    [Fact]
    public void TheBitExactnessModelsHoldPads()
    {
        var random = Enumerable.Range(1, 12).Select(seed => new TestModels(seed).RandomInt8())
            .Concat(Enumerable.Range(1, 12).Select(seed => new TestModels(100 + seed) { SevenBitWeights = true }.RandomInt8()))
            .ToArray();
        var mixed = new TestModels(23).MixedPrecision(InputLayout.Hwc, floatInput: true);
        var pads = random.Append(mixed).SelectMany(m => m.Layers.Select((layer, i) => (Model: m, Layer: layer, Index: i))).Where(p => p.Layer is PadLayer).ToArray();
        Assert.True(pads.Count(p => p.Model != mixed) >= 5, $"{pads.Length} pads in the random int8 models");
        Assert.Contains(pads, p => p.Model != mixed && p.Index == 0); // on the int8 model input
        Assert.Contains(pads, p => p.Model != mixed && p.Index > 0);
        var kinds = pads.Select(p => TensorChain.Infer(p.Model)[p.Index].Kind).ToHashSet();
        Assert.Equal([ElementKind.Int8, ElementKind.Float32], kinds.Order());
        Assert.IsType<PadLayer>(mixed.Layers[0]); // on the float model input
    }

    [Fact]
    public void PadStepNamesItsShapesAmountsAndFillAndCallsTheSharedKernel()
    {
        // SmallCnn with a pad: the 6x6x8 int8 output of the first pool padded by top 1, bottom 2, left 0, right 1.
        var model = new TestModels(3).SmallCnn(FlattenOrder.Chw, averagePool: false, pad: true);
        var pad = model.Layers.OfType<PadLayer>().Single();
        int zeroPoint = TensorChain.Infer(model)[model.Layers.ToList().IndexOf(pad)].Quant!.Value.ZeroPoint;
        var (output, diagnostics, result) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile("/models/pad.qmodel", QModelWriter.Write(model)));
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string source = Assert.Single(GeneratorHarness.ModelSources(Assert.Single(result.Results))).SourceText.ToString();

        Assert.Contains(
            $"int8 Pad '{pad.Name}' (line ", source);
        Assert.Contains(
            $"[6x6x8] -&gt; [9x7x8], top 1, bottom 2, left 0, right 1; padded cells hold the zero point {zeroPoint} (0.0).", source);
        Assert.Contains($"ZeroPad(ref input, ref output, 6, 6, 8, 1, 2, 0, 1, fill: {zeroPoint}, vectorBits);", source);
    }
}

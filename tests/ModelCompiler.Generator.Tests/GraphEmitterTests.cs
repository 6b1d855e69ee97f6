using Microsoft.CodeAnalysis;
using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>What the generated steps of a graph say and call (their arithmetic is GraphBitExactnessTests' business).</summary>
public sealed class GraphEmitterTests
{
    [Fact]
    public void DepthwiseAndAddStepsNameTheirShapesAndConstantsAndCallTheSharedKernels()
    {
        // The inverted residual test graph: dw3 is 3x3 stride 1 same over 10x11x24, dw7 3x3 stride 2 same over 10x11x33,
        // add5 adds project (conv4) and the stem (conv1).
        var model = new GraphModels(3).InvertedResidual();
        var tensors = TensorChain.InferGraph(model).Tensors;
        int zp(string layer) => tensors[model.Layers.ToList().FindIndex(l => l.Name == layer) + 1].Quant!.Value.ZeroPoint;
        string source = Source(model);

        Assert.Contains("int8 DepthwiseConv2D 'dw3' (line n): [10x11x24] -&gt; [10x11x24], kernel 3x3, stride 1x1, same padding (top 1, left 1)", source);
        Assert.Contains($"DepthwiseConvInt8WithBorder<SingleRounding>(ref input, ref padded, 10, 11, 1, 1, 1, 1, fill: {zp("conv2")}, ", source);
        Assert.Contains($"ref output, ref staged, 24, 10, 11, 3, 3, 1, 1, {zp("dw3")}, ", source);
        Assert.Contains("int8 DepthwiseConv2D 'dw7' (line n): [10x11x33] -&gt; [5x6x33], kernel 3x3, stride 2x2, same padding (top 0, left 1)", source);
        Assert.Contains("border (top 0, bottom 1, left 1, right 1)", source);
        Assert.Contains($"ref output, ref staged, 33, 5, 6, 3, 3, 2, 2, {zp("dw7")}, ", source);

        // add5 is fused into its producer conv4 (the projection), conv4's output its first input.
        Assert.DoesNotContain("int8 Add '", source);
        Assert.Contains("Fused with Add 'add5' (line n), the convolution's output first: each range of output rows is added to the other input's in place right after the kernel wrote it, "
            + "TFLite ADD (Int8Addition): zero points " + $"{zp("conv4")} and {zp("conv1")}", source);
        Assert.Contains("Step04_conv4_Convolve(ref arena, vectorBits, start, end);", source);
        // Single rounding takes the table addition (its tables a data block of the step); TFLite's rule the arithmetic one.
        const string Operands = "ref Unsafe.Add(ref output, from), ref Unsafe.Add(ref skip, from), ref Unsafe.Add(ref output, from), count, ";
        Assert.Contains("AddInt8ByTables(" + Operands + "ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(Step04_conv4_AddTables)), " + $"{zp("conv4")}, ", source);
        string tflite = Source(GraphBitExactnessTests.WithRounding(model, ModelCompiler.Format.Rounding.Tflite));
        Assert.Contains("AddInt8<TfliteRounding>(" + Operands + $"{zp("conv4")}, ", tflite);
        Assert.DoesNotContain("AddInt8ByTables(", tflite);
    }

    /// <summary>An addition not fused into a convolution (here a tensor added to itself) is a step calling the shared kernel on the whole tensors.</summary>
    [Fact]
    public void AnUnfusedAddStepCallsTheSharedKernelOnTheWholeTensors()
    {
        var model = Enumerable.Range(1, 40).Select(seed => new GraphModels(seed).Random("Graph" + seed))
            .First(m => m.Layers.OfType<AddLayer>().Any(a => a.Inputs[0] == a.Inputs[1]));
        string source = Source(model);
        Assert.Contains("int8 Add '", source);
        Assert.Contains("TFLite ADD (Int8Addition): zero points ", source);
        Assert.Contains("AddInt8ByTables(ref first, ref second, ref output, ", source);
    }

    /// <summary>
    /// Pointwise convolutions are ordinary int8 convolutions on the register-blocked kernel: with 7-bit weights as it
    /// is, with 8-bit weights with the input halved on the pair-summing paths.
    /// </summary>
    [Fact]
    public void PointwiseConvolutionsTakeTheInt8ConvolutionKernels()
    {
        string seven = Source(new GraphModels(3) { SevenBitWeights = true }.InvertedResidual());
        string eight = Source(new GraphModels(3).InvertedResidual());
        Assert.Contains("int8 Conv2D 'conv2' (line n): [10x11x11] -&gt; [10x11x24], kernel 1x1, stride 1x1, valid padding", eight);
        Assert.Contains("8-bit weights: register-blocked", eight);
        Assert.Contains("MultiplyAddHalves(", eight);
        Assert.Contains("MultiplyAddFullRangeBytes(", eight);
        Assert.DoesNotContain("MultiplyAddHalves(", seven);
        Assert.Contains("'conv2' (line n): [10x11x11] -&gt; [10x11x24], kernel 1x1", seven);
        Assert.Contains("weights in [-64, 63]", seven);
    }

    private static string Source(QModel model)
    {
        var (output, diagnostics, result) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(), new GeneratorHarness.ModelFile("/models/graph.qmodel", QModelWriter.Write(model)));
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        // The comments cite the file's lines; the writer's layout decides them, not this test.
        string source = Assert.Single(GeneratorHarness.ModelSources(Assert.Single(result.Results))).SourceText.ToString();
        return System.Text.RegularExpressions.Regex.Replace(source, @"\(line [0-9]+\)", "(line n)");
    }
}

namespace ModelCompiler.Import.Tests;

/// <summary>The two third-party TFLite models (tests/models/tflite/README.md): the IR must say what that README says.</summary>
public sealed class TfliteModelTests
{
    private static readonly Lazy<SourceModel> V2 = new(() => ModelImporter.Read(TestModels.MobileNetV2));
    private static readonly Lazy<SourceModel> V1 = new(() => ModelImporter.Read(TestModels.MobileNetV1));

    [Fact]
    public void MobileNetV2OperatorCountsAreTheReadmes()
    {
        var expected = new Dictionary<string, int>
        {
            ["ADD"] = 10, ["CONV_2D"] = 36, ["DEPTHWISE_CONV_2D"] = 17, ["MEAN"] = 1, ["QUANTIZE"] = 2, ["RESHAPE"] = 1, ["SOFTMAX"] = 1,
        };
        Assert.Equal(expected, V2.Value.OperatorCounts());
        Assert.Equal(SourceFormat.Tflite, V2.Value.Format);
        Assert.Equal(TensorLayout.Nhwc, V2.Value.Layout);
    }

    [Fact]
    public void MobileNetV2InputAndOutputAreUInt8ThroughQuantize()
    {
        var model = V2.Value;
        var input = model.Tensors[Assert.Single(model.Inputs)];
        Assert.Equal(ElementType.UInt8, input.Type);
        Assert.Equal([1, 224, 224, 3], input.Shape);
        var output = model.Tensors[Assert.Single(model.Outputs)];
        Assert.Equal(ElementType.UInt8, output.Type);
        Assert.Equal([1, 1001], output.Shape);
        Assert.Equal(1f / 256, Assert.Single(output.Quantization!.Scales));
        Assert.Equal(0, Assert.Single(output.Quantization.ZeroPoints));
        Assert.Equal("QUANTIZE", model.Operators[0].Type);
        Assert.Equal(input.Index, model.Operators[0].Inputs[0]);
        Assert.Equal("QUANTIZE", model.Operators[^1].Type);
        Assert.Equal(output.Index, model.Operators[^1].Outputs[0]);
    }

    [Fact]
    public void MobileNetV2WeightsAreInt8PerChannelOnTheReadmesAxes()
    {
        var model = V2.Value;
        foreach (var op in model.Operators.Where(o => o.Type is "CONV_2D" or "DEPTHWISE_CONV_2D"))
        {
            var weights = model.Tensors[op.Inputs[1]];
            var bias = model.Tensors[op.Inputs[2]];
            var q = weights.Quantization!;
            int axis = op.Type == "CONV_2D" ? 0 : 3;
            Assert.True(weights.IsConstant, op.Describe());
            Assert.Equal(ElementType.Int8, weights.Type);
            Assert.Equal(axis, q.Axis);
            Assert.Equal(weights.Shape![axis], q.Scales.Count);
            Assert.All(q.ZeroPoints, z => Assert.Equal(0, z));
            Assert.Equal(ElementType.Int32, bias.Type);
            Assert.Equal(weights.Shape[axis], bias.ElementCount);
            Assert.Equal(ElementType.Int8, model.Tensors[op.Inputs[0]].Type);
            Assert.Equal(ElementType.Int8, model.Tensors[op.Outputs[0]].Type);
        }
    }

    [Fact]
    public void MobileNetV2OptionsAreSamePaddingStrides1And2AndRelu6OrNone()
    {
        var model = V2.Value;
        var convolutions = model.Operators.Select(o => o.Options).OfType<ConvolutionOptions>().ToList();
        Assert.Equal(53, convolutions.Count);
        Assert.All(convolutions, c => Assert.Equal(PaddingKind.Same, c.Padding.Kind));
        Assert.Equal([1, 2], convolutions.Select(c => c.StrideHeight).Distinct().Order());
        Assert.All(convolutions, c => Assert.Equal(c.StrideHeight, c.StrideWidth));
        Assert.All(convolutions, c => Assert.True(c.Activation is FusedActivation.None or FusedActivation.Relu6));
        Assert.All(convolutions, c => Assert.Equal((1, 1, 1), (c.DilationHeight, c.DilationWidth, c.DepthMultiplier)));
        var mean = Assert.IsType<ReduceOptions>(model.Operators.Single(o => o.Type == "MEAN").Options);
        Assert.Equal([1, 2], mean.Axes);
        Assert.True(mean.KeepDims);
    }

    [Fact]
    public void MobileNetV2AddsInputsWithDifferentScales()
    {
        var model = V2.Value;
        var adds = model.Operators.Where(o => o.Type == "ADD").ToList();
        Assert.All(adds, add => Assert.Equal(FusedActivation.None, Assert.IsType<ElementwiseOptions>(add.Options).Activation));
        Assert.Contains(adds, add => model.Tensors[add.Inputs[0]].Quantization!.Scales[0] != model.Tensors[add.Inputs[1]].Quantization!.Scales[0]);
    }

    [Fact]
    public void MobileNetV2HasTheReadmesMultiplyAccumulates()
    {
        // README: 300.8 M MACs.
        Assert.Equal(300.8, Math.Round(MacCounter.Count(V2.Value) / 1e6, 1));
    }

    [Fact]
    public void MobileNetV1OperatorCountsAreTheReadmes()
    {
        var expected = new Dictionary<string, int>
        {
            ["AVERAGE_POOL_2D"] = 1, ["CONV_2D"] = 15, ["DEPTHWISE_CONV_2D"] = 13, ["RESHAPE"] = 1, ["SOFTMAX"] = 1,
        };
        Assert.Equal(expected, V1.Value.OperatorCounts());
        Assert.Equal(13.6, Math.Round(MacCounter.Count(V1.Value) / 1e6, 1));
    }

    [Fact]
    public void MobileNetV1IsTheLegacyUInt8SchemeWithWeightZeroPoints()
    {
        var model = V1.Value;
        var input = model.Tensors[Assert.Single(model.Inputs)];
        Assert.Equal(ElementType.UInt8, input.Type);
        Assert.Equal([1, 128, 128, 3], input.Shape);
        var weightZeroPoints = new List<long>();
        foreach (var op in model.Operators.Where(o => o.Type is "CONV_2D" or "DEPTHWISE_CONV_2D"))
        {
            var weights = model.Tensors[op.Inputs[1]];
            Assert.Equal(ElementType.UInt8, weights.Type);
            Assert.False(weights.Quantization!.IsPerChannel);
            weightZeroPoints.Add(weights.Quantization.ZeroPoints[0]);
            Assert.Equal(ElementType.UInt8, model.Tensors[op.Outputs[0]].Type);
        }

        // Per-tensor asymmetric uint8 weights: the zero points are not 0 (nor 128, the symmetric centre).
        Assert.Equal(28, weightZeroPoints.Count);
        Assert.All(weightZeroPoints, z => Assert.InRange(z, 1, 254));
        Assert.Contains(weightZeroPoints, z => z != 128);
        var pool = Assert.IsType<PoolOptions>(model.Operators.Single(o => o.Type == "AVERAGE_POOL_2D").Options);
        Assert.Equal(PaddingKind.Valid, pool.Padding.Kind);
        Assert.Equal((4, 4), (pool.KernelHeight, pool.KernelWidth));
    }

    [Fact]
    public void ConstantDataMatchesShapes()
    {
        foreach (var model in new[] { V1.Value, V2.Value })
        {
            Assert.All(model.Tensors.Where(t => t.IsConstant), t => Assert.Equal(t.ElementCount * ElementTypes.SizeOf(t.Type), t.Data!.Length));
        }
    }
}

namespace ModelCompiler.Import.Tests;

/// <summary>
/// Tiny TFLite models written by flatc from JSON (scripts/make-tflite-test-models.py): flatc lays out the fields from
/// the official schema, so these also check the importer's hand-written field ids.
/// </summary>
public sealed class CraftedTfliteTests
{
    [Fact]
    public void TheValidModelReadsWithEveryOption()
    {
        var model = ModelImporter.Read(TestModels.Crafted("valid"));
        Assert.Equal(["DEPTHWISE_CONV_2D", "CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"], model.Operators.Select(o => o.Type));
        Assert.Equal(new ConvolutionOptions(Padding.Same, 3, 3, 1, 1, 1, 1, Groups: 2, DepthMultiplier: 1, FusedActivation.Relu6), model.Operators[0].Options);
        Assert.Equal(new ConvolutionOptions(Padding.Valid, 3, 3, 2, 2, 1, 1, Groups: 1, DepthMultiplier: 1, FusedActivation.Relu), model.Operators[1].Options);
        Assert.Equal([1, 3], Assert.IsType<ReshapeOptions>(model.Operators[2].Options).NewShape);
        Assert.Equal(new FullyConnectedOptions(FusedActivation.None, false, false, false), model.Operators[3].Options);
        Assert.Equal(new SoftmaxOptions(1, -1), model.Operators[4].Options);
        Assert.Equal("dw_out", model.Operators[0].Name); // TFLite operators are named after their first output

        var dw = model.Tensor("dw_weights");
        Assert.Equal(3, dw.Quantization!.Axis);
        Assert.Equal([0.02f, 0.03f], dw.Quantization.Scales);
        Assert.Equal([-5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1, -5, 2, -2, 5, 1, -3, 4], dw.ReadInt8().Select(v => (int)v)); // ((i * 7) % 11) - 5
        Assert.Equal([100, -50], model.Tensor("dw_bias").ReadInt32());
        var input = model.Tensor("input");
        Assert.Equal([1, 4, 4, 2], input.Shape);
        Assert.Equal(-3, Assert.Single(input.Quantization!.ZeroPoints));
        Assert.Null(model.Tensor("fc_weights").Quantization!.Axis);
        Assert.Contains("dynamic batch dimension (shape_signature -1) read as the file's shape (batch 1)", model.Notes);
    }

    [Fact]
    public void DilationIsOneErrorNamingTheOperatorAndAttribute() =>
        Refusals.AssertSingle(Refusals.Of(TestModels.Crafted("dilation")), "operator 1 (CONV_2D 'conv_out')", "dilation_h_factor", "dilation 2x1");

    [Fact]
    public void DepthMultiplierAboveOneIsOneError() =>
        Refusals.AssertSingle(Refusals.Of(TestModels.Crafted("depth-multiplier")), "operator 0 (DEPTHWISE_CONV_2D 'dw_out')", "depth_multiplier", "depth multiplier 2");

    [Fact]
    public void UnknownOperatorsAreOneErrorEach()
    {
        var problems = Refusals.Of(TestModels.Crafted("unknown-operator"));
        Assert.Equal(2, problems.Count);
        Assert.Equal("operator 4 (L2_NORMALIZATION 'normalized')", problems[0].Location);
        Assert.Equal("operator 5 (CUSTOM:MyVendorOp 'custom_out')", problems[1].Location);
        Assert.All(problems, p => Assert.StartsWith("operator not supported", p.Message));
    }

    [Fact]
    public void DynamicShapeIsOneErrorAtTheInput() =>
        Refusals.AssertSingle(Refusals.Of(TestModels.Crafted("dynamic-shape")), "tensor 0 'input'", "shape_signature", "[-1,-1,-1,2]");

    [Fact]
    public void NonConstantWeightIsOneError() =>
        Refusals.AssertSingle(Refusals.Of(TestModels.Crafted("nonconstant-weight")), "operator 1 (CONV_2D 'conv_out')", "input 1 'conv_weights'", "must be a constant");

    [Fact]
    public void UnsupportedElementTypeIsOneError() =>
        Refusals.AssertSingle(Refusals.Of(TestModels.Crafted("int16-activation")), "tensor 3 'dw_out'", "type", "Int16");

    [Fact]
    public void UnsupportedFusedActivationIsOneError() =>
        Refusals.AssertSingle(Refusals.Of(TestModels.Crafted("fused-tanh")), "operator 3 (FULLY_CONNECTED 'logits')", "fused_activation_function", "Tanh");

    [Fact]
    public void ThreeProblemsAreThreeErrors()
    {
        var exception = Assert.Throws<ModelImportException>(() => ModelImporter.Read(TestModels.Crafted("three-problems")));
        Assert.Equal(
            [
                "operator 1 (CONV_2D 'conv_out'): dilation_w_factor: dilation 1x3: dilated convolutions are not supported",
                "operator 3 (FULLY_CONNECTED 'logits'): input 1 'fc_weights': must be a constant in the file (weights, biases, shapes and quantization parameters are not computed at run time)",
                "operator 4 (GELU 'probabilities'): operator not supported (supported: ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE, FULLY_CONNECTED, MAX_POOL_2D, MEAN, QUANTIZE, RESHAPE, SOFTMAX)",
            ],
            exception.Problems.Select(p => p.ToString()));
        Assert.Contains("cannot import (3 problems):", exception.Message);
        Assert.DoesNotContain("   at ", exception.Message); // no stack trace in what users see
    }
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;
using static ModelCompiler.Testing.HandModels;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// The int8 global average pool that rescales (<c>output_quant</c>: TFLite's integer MEAN, <see cref="MeanRescale"/>),
/// by hand: docs/arithmetic.md's worked vector ("Global average pool that rescales").
/// </summary>
public sealed class RescalingMeanTests
{
    /// <summary>
    /// 2x2x3, input quantization (1, 0), output (1, 5): r = 1 / (4 * 1) = 0.25 exactly (multiplier 2^30, shift 32);
    /// t = 0 * 1 / 1 = 0, not above 0, so trunc(0 - 0.5) = 0 and the bias is 5 - 0 = 5. Channel 0 sums 2: 0.5 rounds
    /// to 1 under both rules, 6. Channel 1 sums -2: -0.5 is -1 under TFLite's double rounding (its second rounding is
    /// half away from zero), 4, and 0 under single rounding (ties toward +infinity), 5. Channel 2 sums 508: 127 + 5
    /// clamps to 127.
    /// </summary>
    [Theory]
    [InlineData(Rounding.Tflite, new sbyte[] { 6, 4, 127 })]
    [InlineData(Rounding.Single, new sbyte[] { 6, 5, 127 })]
    public void SumTimesMultiplierPlusBiasUnderTheLayersRule(Rounding rounding, sbyte[] expected)
    {
        float[,] c0 = { { 1, 0 }, { 1, 0 } };
        float[,] c1 = { { -1, 0 }, { -1, 0 } };
        float[,] c2 = { { 127, 127 }, { 127, 127 } };
        var rescale = MeanRescale.For(4, 1f, 0, 1f, 5);
        Assert.Equal(new MeanRescale(new QuantizedMultiplier(1 << 30, 32), 5), rescale);

        // The header's rule, and the same rule given by the layer under the other header.
        var headerModel = WithRounding(Create(TensorShape.Image(2, 2, 3), Unit, 3, new GlobalAveragePoolLayer("mean") { OutputQuant = new QuantParams(1f, 5) }), rounding);
        Assert.Equal(expected, new ReferenceInterpreter(headerModel).Run(Hwc(c0, c1, c2)).Int8Output);

        var other = rounding == Rounding.Tflite ? Rounding.Single : Rounding.Tflite;
        var overridden = WithRounding(
            Create(TensorShape.Image(2, 2, 3), Unit, 3, new GlobalAveragePoolLayer("mean") { OutputQuant = new QuantParams(1f, 5), RoundingOverride = rounding }), other);
        Assert.Equal(expected, new ReferenceInterpreter(overridden).Run(Hwc(c0, c1, c2)).Int8Output);
    }

    /// <summary>
    /// MobileNetV2's MEAN (7x7, 0.023529412 zp -128 to 0.019077832 zp -128), whose constants TFLite's own formulas give
    /// (scripts/tflite-reference/check-mean.cs): r = float32(0.023529412 / float32(49 * 0.019077832)) = 0.02517016,
    /// TFLite's multiplier 1729680256 with exponent -5 (ours: shift 31 + 5 = 36); t = float32(-128 * 0.023529412) /
    /// 0.019077832 = -157.87..., -158.37... truncated to -158, bias -128 + 158 = 30.
    /// </summary>
    [Fact]
    public void MobileNetV2sMeanConstants()
    {
        var rescale = MeanRescale.For(49, 0.023529412f, -128, 0.019077832f, -128);
        Assert.Equal(new MeanRescale(new QuantizedMultiplier(1729680256, 36), 30), rescale);
        Assert.Equal(TfliteMultiplier.FromReal(0.023529412f / (49f * 0.019077832f)), new TfliteMultiplier(1729680256, -5));
    }

    /// <summary>The zero-point term rounds half away from zero in float32, then truncates: -2.5 to -2 (bias 7), 2.5 to 3 (bias 2).</summary>
    [Fact]
    public void BiasRoundsTheZeroPointTermAwayFromZero()
    {
        // t = float32(-3 * 0.5) / 0.75 = -2 exactly: -2.5 truncated is -2, so the bias is 5 + 2.
        Assert.Equal(7, MeanRescale.For(4, 0.5f, -3, 0.75f, 5).Bias);
        // t = 5 * 1 / 2 = 2.5: 3.0 truncated is 3, so the bias is 5 - 3.
        Assert.Equal(2, MeanRescale.For(4, 1f, 5, 2f, 5).Bias);
    }

    private static QModel WithRounding(QModel m, Rounding rounding) =>
        new(m.Name, m.InputShape, m.InputLayout, m.Preprocessing, m.InputQuant, m.Labels, m.Provenance, m.Layers) { Rounding = rounding };

    [Fact]
    public void TooManyCellsForAnInt32SumAreRefused()
    {
        // 4097 x 4097 > 2^24 cells: the int32 sum of int8 values could overflow.
        var model = Create(TensorShape.Image(4097, 4097, 1), Unit, 1, new GlobalAveragePoolLayer("mean") { OutputQuant = new QuantParams(1f, 0), Line = 7 });
        var error = Assert.Throws<QModelFormatException>(() => TensorChain.InferGraph(model));
        Assert.Equal(QModelError.AccumulatorOverflow, error.Code);
        Assert.Equal(7, error.Line);
    }
}

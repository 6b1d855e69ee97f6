using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// The per-layer weight zero point (<c>weight_zero_point</c>): the interpreter's (x − zx)(w − zw) on hand-computed
/// vectors (<see cref="WeightZeroPointModels"/>), the field's round trip, and -128 as a weight only where a zero point is.
/// </summary>
public sealed class WeightZeroPointTests
{
    [Theory]
    [InlineData("conv")]
    [InlineData("dense")]
    [InlineData("depthwise")]
    public void TheInterpreterGivesTheHandComputedOutputs(string op)
    {
        var result = new ReferenceInterpreter(WeightZeroPointModels.Create(op)).Run(WeightZeroPointModels.Input);
        Assert.Equal(op == "depthwise" ? WeightZeroPointModels.DepthwiseOutputs : WeightZeroPointModels.ConvolutionOutputs, result.Int8Output!);
    }

    [Theory]
    [InlineData("conv")]
    [InlineData("dense")]
    [InlineData("depthwise")]
    public void TheFieldRoundTripsAndIsWrittenOnlyWhenNotZero(string op)
    {
        string text = QModelWriter.Write(WeightZeroPointModels.Create(op));
        Assert.Contains("\n  weight_zero_point -100\n", text);
        var read = QModelReader.Read(text);
        Assert.Equal(text, QModelWriter.Write(read));
        var weights = (Int8Weights)read.Layers.OfType<WeightedLayer>().Single().Weights;
        Assert.Equal(-100, weights.WeightZeroPoint);
        Assert.Equal(WeightZeroPointModels.Weights, weights.Values.Take(3));

        string symmetric = QModelWriter.Write(TfliteRoundingModels.Create(convolution: op == "conv", Rounding.Single));
        Assert.DoesNotContain("weight_zero_point", symmetric);
    }

    /// <summary>The format's worst case for the accumulator allows 255 · 255 per product with a zero point (127 · 255 without).</summary>
    [Fact]
    public void TheAccumulatorCheckCountsTheWiderProducts()
    {
        // 34,000 products of 255 · 255 exceed int32 (2.21e9); of 255 · 127 they do not (1.10e9).
        int inputs = 34_000; // 200 x 170
        QModel Model(int zeroPoint)
        {
            var dense = new DenseLayer("dense", 1, Activation.None, new Int8Weights(new sbyte[inputs], [0.01f], [0], Int8Weights.FullBits, zeroPoint), new QuantParams(1f, 0));
            return HandModels.Create(TensorShape.Image(200, inputs / 200, 1), new QuantParams(1f, 0), 1, new FlattenLayer("flat", FlattenOrder.Hwc), dense);
        }

        TensorChain.Infer(Model(0));
        var e = Assert.Throws<QModelFormatException>(() => TensorChain.Infer(Model(5)));
        Assert.Equal(QModelError.AccumulatorOverflow, e.Code);
    }
}

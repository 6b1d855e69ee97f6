using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using static ModelCompiler.Testing.HandModels;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>Depthwise convolution and addition on hand-computed cases, and graphs whose tensors feed several layers.</summary>
public sealed class DepthwiseAndAddTests
{
    // Two 3x3 channels. Channel 0's filter is all ones (window sums); channel 1's is [[1, 0], [0, -1]]: x(r, c) - x(r+1, c+1).
    private static readonly float[,] Grid = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
    private static readonly float[,] Sparse = { { 1, 0, 2 }, { 0, 3, 0 }, { 4, 0, 5 } };
    private static readonly sbyte[] Filters = [1, 1, 1, 1, 1, 0, 0, -1];

    [Theory]
    // Valid, stride 1: 2x2 output; channel 0: 12 16 24 28; channel 1: 1-3, 0-0, 0-0, 3-5.
    [InlineData(Padding.Valid, 1, new sbyte[] { 12, -2, 16, 0, 24, 0, 28, -2 })]
    // Same, stride 2: 2x2 output, one padding cell after on each axis (TensorFlow's rule), padded cells skipped.
    // Channel 0: 12, 3+6, 7+8, 9; channel 1: 1-3, 2-0, 4-0, 5.
    [InlineData(Padding.Same, 2, new sbyte[] { 12, -2, 9, 2, 15, 4, 9, 5 })]
    public void EachChannelHasItsOwnFilter(Padding padding, int stride, sbyte[] expected)
    {
        var dw = new DepthwiseConv2DLayer("dw", 2, 2, stride, stride, padding, Activation.None, UnitInt8(2, Filters), Unit);
        var model = Create(TensorShape.Image(3, 3, 2), Unit, expected.Length, dw, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(expected, new ReferenceInterpreter(model).Run(Hwc(Grid, Sparse)).Int8Output);
    }

    [Fact]
    public void PerChannelScaleBiasAndInputZeroPoint()
    {
        // As the same-padding case, with input zero point 5 (padded cells still add nothing), bias [3, -1] and channel 1's
        // weight scale 0.5: channel 0 is 12+3, 9+3, 15+3, 9+3; channel 1 is (-2-1)/2 = -1.5 -> -1, (2-1)/2 -> 1 (ties up),
        // (4-1)/2 -> 2, (5-1)/2 = 2.
        var weights = new Int8Weights(Filters, [1f, 0.5f], [3, -1]);
        var dw = new DepthwiseConv2DLayer("dw", 2, 2, 2, 2, Padding.Same, Activation.None, weights, Unit);
        var model = Create(TensorShape.Image(3, 3, 2), new QuantParams(1f, 5), 8, dw, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { 15, -1, 12, 1, 18, 2, 12, 2 }, new ReferenceInterpreter(model).Run(Hwc(Grid, Sparse)).Int8Output);
    }

    [Fact]
    public void FloatDepthwiseAddsRowThenColumnFromTheBias()
    {
        // 1x3 input, one channel, 1x3 filter of ones, bias 0: ((0 + 1e8) + 1) - 1e8 = 0 in float32 (1e8 + 1 rounds to
        // 1e8); any other order of the same terms that starts with 1 keeps it. The float16 and dynamic int8 weights of
        // 1 and 2 widen exactly: [1, 2, 1] * [1, 1, 1] = 4, then ReLU6 leaves 4.
        var dw = new DepthwiseConv2DLayer("dw", 1, 3, 1, 1, Padding.Valid, Activation.None, new Float32Weights([1f, 1f, 1f], [0f]), null);
        var model = Create(TensorShape.Image(1, 3, 1), null, 1, dw, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(0f, new ReferenceInterpreter(model).Run([1e8f, 1f, -1e8f]).Scores[0]);

        ushort[] half = [.. new float[] { 1, 2, 1 }.Select(v => BitConverter.HalfToUInt16Bits((Half)v))];
        foreach (var weights in new WeightData[] { new Float16Weights(half, [-1f]), new DynamicInt8Weights([2, 4, 2], [0.5f], [-1f]) })
        {
            var layer = new DepthwiseConv2DLayer("dw", 1, 3, 1, 1, Padding.Valid, Activation.Relu6, weights, null);
            Assert.Equal(4f, new ReferenceInterpreter(Create(TensorShape.Image(1, 3, 1), null, 1, layer, new FlattenLayer("flat", FlattenOrder.Hwc))).Run([1f, 1f, 2f]).Scores[0]);
        }
    }

    [Fact]
    public void Int8AdditionOfTwoBranchesWithTheirOwnQuantization()
    {
        // Input int8 (0.02, -3), pixel [50, -83]. 'swap' is a 1x1 convolution exchanging the channels into
        // (0.003, 10) with a multiplier of 1.0000000087: [-80 + 10, 53 + 10] = [-70, 63]. The addition reads the input
        // itself and 'swap': channel 0 is docs/arithmetic.md's worked example (50 at (0.02, -3) plus -70 at (0.003, 10)
        // into (0.05, -5): 11); channel 1 adds -1.6 and 0.159: -28.82 steps -> -29, -34 with the zero point.
        var swap = new Conv2DLayer("swap", 2, 1, 1, 1, 1, Padding.Valid, Activation.None, new Int8Weights([0, 1, 1, 0], [0.15f, 0.15f], [0, 0]), new QuantParams(0.003f, 10))
        {
            Inputs = ["input"],
        };
        var add = new AddLayer("add", Activation.None, new QuantParams(0.05f, -5)) { Inputs = ["input", "swap"] };
        var model = Create(TensorShape.Image(1, 1, 2), new QuantParams(0.02f, -3), 2, swap, add, new FlattenLayer("flat", FlattenOrder.Hwc));
        var interpreter = new ReferenceInterpreter(model);
        var result = interpreter.Run([1.06f, -1.6f]);
        Assert.Equal(new sbyte[] { 11, -34 }, result.Int8Output);
        Assert.Equal([0, 1], interpreter.Graph.ConsumersOf(0)); // the input feeds layers 0 (swap) and 1 (add)

        // The addition is symmetric: naming the inputs the other way round changes nothing.
        var swapped = new AddLayer("add", Activation.None, new QuantParams(0.05f, -5)) { Inputs = ["swap", "input"] };
        var other = Create(TensorShape.Image(1, 1, 2), new QuantParams(0.02f, -3), 2, swap, swapped, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(result.Int8Output, new ReferenceInterpreter(other).Run([1.06f, -1.6f]).Int8Output);
    }

    [Theory]
    // Input int8 (0.1, 0): [4.0, -0.4, 0.3] is q = [40, -4, 3]. x + x into (0.05, -100): M1 = M2 = 1/2 and
    // Mout = 0.2 / (2^20 * 0.05) = 2^-18 exactly (0.1f is 2 * 0.05f), so y = -100 + 2 * (q + q) = [60, -116, -88]
    // before the clamp. ReLU clamps at the zero point, -100; ReLU6's top is quantize(6) = 120 - 100 = 20.
    [InlineData(Activation.None, new sbyte[] { 60, -116, -88 })]
    [InlineData(Activation.Relu, new sbyte[] { 60, -100, -88 })]
    [InlineData(Activation.Relu6, new sbyte[] { 20, -100, -88 })]
    public void Int8AdditionWithFusedActivations(Activation activation, sbyte[] expected)
    {
        var add = new AddLayer("add", activation, new QuantParams(0.05f, -100)) { Inputs = ["input", "input"] };
        var model = Create(TensorShape.Image(1, 1, 3), new QuantParams(0.1f, 0), 3, add, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(expected, new ReferenceInterpreter(model).Run([4f, -0.4f, 0.3f]).Int8Output);
    }

    [Fact]
    public void FloatAdditionWithFusedActivations()
    {
        // x + x in float32, then the activation: [4, -1, 2.5] doubles to [8, -2, 5].
        foreach (var (activation, expected) in new[] { (Activation.None, new[] { 8f, -2f, 5f }), (Activation.Relu, [8f, 0f, 5f]), (Activation.Relu6, [6f, 0f, 5f]) })
        {
            var add = new AddLayer("add", activation, null) { Inputs = ["input", "input"] };
            var model = Create(TensorShape.Image(1, 1, 3), null, 3, add, new FlattenLayer("flat", FlattenOrder.Hwc));
            Assert.Equal(expected, new ReferenceInterpreter(model).Run([4f, -1f, 2.5f]).Scores);
        }
    }

    [Fact]
    public void ATensorIsKeptForItsLastReader()
    {
        // 'a' is read by 'b' and, two layers later, by 'sum': it must survive 'b' and 'c'. a = x + x, b = a + a,
        // c = b + b, sum = c + a = 8x + 2x = 10x.
        var layers = new Layer[]
        {
            new AddLayer("a", Activation.None, null) { Inputs = ["input", "input"] },
            new AddLayer("b", Activation.None, null) { Inputs = ["a", "a"] },
            new AddLayer("c", Activation.None, null) { Inputs = ["b", "b"] },
            new AddLayer("sum", Activation.None, null) { Inputs = ["c", "a"] },
            new FlattenLayer("flat", FlattenOrder.Hwc),
        };
        var interpreter = new ReferenceInterpreter(Create(TensorShape.Image(1, 1, 2), null, 2, layers));
        Assert.Equal([10f, -30f], interpreter.Run([1f, -3f]).Scores);
        Assert.Equal(3, interpreter.Graph.LastConsumerOf(1));
        Assert.Equal([1, 3], interpreter.Graph.ConsumersOf(1));
    }
}

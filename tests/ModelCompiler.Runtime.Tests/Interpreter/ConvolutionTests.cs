using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using static ModelCompiler.Testing.HandModels;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>Conv2D and Dense on hand-computed cases: padding, stride, weight order, activations, float order.</summary>
public sealed class ConvolutionTests
{
    // 3x3 single-channel input 1..9; with unit scales and zero points the int8 output is the integer convolution.
    private static readonly float[,] Grid = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };

    [Theory]
    // 2x2 kernel of ones. Valid: the four 2x2 sums.
    [InlineData(Padding.Valid, 1, new sbyte[] { 12, 16, 24, 28 })]
    // Same, stride 1: 3x3 output, total padding 1, all after: windows at the right/bottom edge are clipped.
    [InlineData(Padding.Same, 1, new sbyte[] { 12, 16, 9, 24, 28, 15, 15, 17, 9 })]
    // Same, stride 2: 2x2 output, total padding (2 - 1) * 2 + 2 - 3 = 1, after.
    [InlineData(Padding.Same, 2, new sbyte[] { 12, 9, 15, 9 })]
    // Valid, stride 2: one output.
    [InlineData(Padding.Valid, 2, new sbyte[] { 12 })]
    public void PaddingAndStride(Padding padding, int stride, sbyte[] expected)
    {
        var conv = new Conv2DLayer("conv", 1, 2, 2, stride, stride, padding, Activation.None, UnitInt8(1, 1, 1, 1, 1), Unit);
        var model = Create(TensorShape.Image(3, 3, 1), Unit, expected.Length, conv, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(expected, new ReferenceInterpreter(model).Run(Hwc(Grid)).Int8Output);
    }

    [Fact]
    public void SamePaddingBeforeAndAfterAndKernelOrientation()
    {
        // 3x3 kernel [[1, 0, 0], [0, 0, 3], [0, 0, 2]] (not symmetric, so a transposed or flipped kernel shows), same
        // padding: one cell before and after on each axis. y(r, c) = x(r-1, c-1) + 3 x(r, c+1) + 2 x(r+1, c+1),
        // cells outside the image 0.
        var conv = new Conv2DLayer("conv", 1, 3, 3, 1, 1, Padding.Same, Activation.None, UnitInt8(1, 1, 0, 0, 0, 0, 3, 0, 0, 2), Unit);
        var model = Create(TensorShape.Image(3, 3, 1), Unit, 9, conv, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { 16, 21, 0, 31, 37, 2, 24, 31, 5 }, new ReferenceInterpreter(model).Run(Hwc(Grid)).Int8Output);
    }

    [Fact]
    public void WeightsAreFilterMajorThenInputChannel()
    {
        // 1x1 kernel, 2 input channels, 2 filters: OIHW = [f0: c0 1, c1 10], [f1: c0 -1, c1 3].
        // Pixel (1, 2): f0 = 21, f1 = 5. Pixel (3, -1): f0 = -7, f1 = -6. Output HWC.
        var conv = new Conv2DLayer("conv", 2, 1, 1, 1, 1, Padding.Valid, Activation.None, UnitInt8(2, 1, 10, -1, 3), Unit);
        var model = Create(TensorShape.Image(1, 2, 2), Unit, 4, conv, new FlattenLayer("flat", FlattenOrder.Hwc));
        float[,] c0 = { { 1, 3 } };
        float[,] c1 = { { 2, -1 } };
        Assert.Equal(new sbyte[] { 21, 5, -7, -6 }, new ReferenceInterpreter(model).Run(Hwc(c0, c1)).Int8Output);
    }

    [Fact]
    public void InputZeroPointAndSamePadding()
    {
        // Input zero point 5: padded cells hold real 0 (q = 5) and contribute nothing, so the result equals the
        // zero-point-free case above even though every raw value is 5 larger.
        var conv = new Conv2DLayer("conv", 1, 2, 2, 2, 2, Padding.Same, Activation.None, UnitInt8(1, 1, 1, 1, 1), Unit);
        var model = Create(TensorShape.Image(3, 3, 1), new QuantParams(1f, 5), 4, conv, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { 12, 9, 15, 9 }, new ReferenceInterpreter(model).Run(Hwc(Grid)).Int8Output);
    }

    [Fact]
    public void Int8Relu6AndReluClamps()
    {
        // Dense 1 -> 5 with weights [-1, 1, 5, 6, 7], input 1: acc = w. Output scale 0.05, zero point -128, so
        // y = -128 + round(20 acc) clamped to [-128, quantize(6) = -8].
        var weights = new Int8Weights([-1, 1, 5, 6, 7], [1f, 1f, 1f, 1f, 1f], new int[5]);
        var relu6 = Create(TensorShape.Image(1, 1, 1), Unit, 5, new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 5, Activation.Relu6, weights, new QuantParams(0.05f, -128)));
        Assert.Equal(new sbyte[] { -128, -108, -28, -8, -8 }, new ReferenceInterpreter(relu6).Run([1f]).Int8Output);

        // ReLU with zero point -100: clamps at -100; no upper clamp below 127.
        var relu = Create(TensorShape.Image(1, 1, 1), Unit, 5, new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 5, Activation.Relu, weights, new QuantParams(0.05f, -100)));
        Assert.Equal(new sbyte[] { -100, -80, 0, 20, 40 }, new ReferenceInterpreter(relu).Run([1f]).Int8Output);
    }

    [Fact]
    public void Int8BiasAndRequantization()
    {
        // The worked example of docs/arithmetic.md: inputs q = [25, -7, 100] with zero point -3 at scale 0.02,
        // weights [40, -127, 9] at scale 0.005, bias -500, output scale 0.1 and zero point -3.
        // acc = -500 + 28 * 40 + (-4) * (-127) + 103 * 9 = 2055; 2055 * 0.001 = 2.055 -> 2; y = 2 - 3 = -1.
        var weights = new Int8Weights([40, -127, 9], [0.005f], [-500]);
        var model = Create(TensorShape.Image(1, 1, 3), new QuantParams(0.02f, -3), 1, new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 1, Activation.None, weights, new QuantParams(0.1f, -3)));
        var x = new[] { 28 * 0.02f, -4 * 0.02f, 103 * 0.02f }; // quantize back to 25, -7, 100
        var result = new ReferenceInterpreter(model).Run(x);
        Assert.Equal(new sbyte[] { -1 }, result.Int8Output);
        Assert.Equal(0.2f, result.Scores[0]); // (-1 + 3) * 0.1f
    }

    [Fact]
    public void FloatDenseAddsInIndexOrderFromTheBiasWithoutFusedMultiplyAdd()
    {
        // Left to right from the bias: (0 + 1) + 1e8 rounds to 1e8 in float32, then - 1e8 = 0 (exactly: 1).
        var order = Create(TensorShape.Image(1, 1, 3), null, 1, new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 1, Activation.None, new Float32Weights([1f, 1f, 1f], [0f]), null));
        Assert.Equal(0f, new ReferenceInterpreter(order).Run([1f, 1e8f, -1e8f]).Scores[0]);

        // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11 (a tie, to even); plus bias -1 gives 2^-11.
        // A fused multiply-add would keep the 2^-24.
        float a = 1f + MathF.Pow(2, -12);
        var fma = Create(TensorShape.Image(1, 1, 1), null, 1, new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 1, Activation.None, new Float32Weights([a], [-1f]), null));
        Assert.Equal(MathF.Pow(2, -11), new ReferenceInterpreter(fma).Run([a]).Scores[0]);
    }

    [Fact]
    public void FloatConvAddsInOrderKernelRowThenColumnThenChannel()
    {
        // 1x2 input with 2 channels: pixel 0 = (1e8, 1), pixel 1 = (-1e8, 0); 1x2 kernel of ones.
        // Order (kx, ci): ((1e8 + 1) - 1e8) + 0 = 0, since 1e8 + 1 rounds to 1e8. Order (ci, kx) would give 1.
        var conv = new Conv2DLayer("conv", 1, 1, 2, 1, 1, Padding.Valid, Activation.None, new Float32Weights([1f, 1f, 1f, 1f], [0f]), null);
        var model = Create(TensorShape.Image(1, 2, 2), null, 1, conv, new FlattenLayer("flat", FlattenOrder.Hwc));
        float[,] c0 = { { 1e8f, -1e8f } };
        float[,] c1 = { { 1f, 0f } };
        Assert.Equal(0f, new ReferenceInterpreter(model).Run(Hwc(c0, c1)).Scores[0]);
    }

    [Fact]
    public void FloatActivationsAndPrecisions()
    {
        // Dense 2 -> 3 with float16 weights 1, 0.5 | -1, -2 | 4, 4 (exact in half) and bias 0.5, relu6:
        // x = [2, 4]: 0.5 + 2 + 2 = 4.5; 0.5 - 2 - 8 -> 0; 0.5 + 8 + 16 -> 6.
        ushort[] half = [.. new float[] { 1, 0.5f, -1, -2, 4, 4 }.Select(v => BitConverter.HalfToUInt16Bits((Half)v))];
        var f16 = Create(TensorShape.Image(1, 1, 2), null, 3, new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 3, Activation.Relu6, new Float16Weights(half, [0.5f, 0.5f, 0.5f]), null));
        Assert.Equal(new float[] { 4.5f, 0f, 6f }, new ReferenceInterpreter(f16).Run([2f, 4f]).Scores);

        // Dynamic int8: weight = (float)q * scale[c] in float32. q = [2, -3 | 1, 1], scales [0.1, 0.25], bias [0, -1].
        var dynamic = Create(TensorShape.Image(1, 1, 2), null, 2, new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 2, Activation.None, new DynamicInt8Weights([2, -3, 1, 1], [0.1f, 0.25f], [0f, -1f]), null));
        float w0 = 2f * 0.1f, w1 = -3f * 0.1f;
        float expected0 = 0f + (3f * w0);
        expected0 = expected0 + (5f * w1);
        Assert.Equal(new[] { expected0, -1f + 0.75f + 1.25f }, new ReferenceInterpreter(dynamic).Run([3f, 5f]).Scores);
    }

    [Fact]
    public void WorkedExampleMultiplier()
    {
        // The multiplier of the worked example, as docs/arithmetic.md states it.
        var m = Requantizer.MultiplierFor(0.02f, 0.005f, 0.1f);
        Assert.Equal(1099511562, m.Multiplier);
        Assert.Equal(40, m.Shift);
        Assert.Equal(-1, Requantizer.Requantize(2055, m, -3, -128, 127));
    }
}

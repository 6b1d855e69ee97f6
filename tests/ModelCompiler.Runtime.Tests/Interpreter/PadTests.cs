using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;
using static ModelCompiler.Testing.HandModels;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>The pad layer against cases worked out by hand: where the input lands, and what the new cells hold.</summary>
public sealed class PadTests
{
    // A 2x3 image with two channels: channel 0 counts 1..6, channel 1 is its negation.
    private static readonly float[,] Channel0 = { { 1, 2, 3 }, { 4, 5, 6 } };
    private static readonly float[,] Channel1 = { { -1, -2, -3 }, { -4, -5, -6 } };

    [Fact]
    public void Int8PadPutsTheZeroPointInTheNewCells()
    {
        // Scale 1, zero point 7: q = x + 7. Top 1, bottom 0, left 2, right 1 gives 3x6; the chw flatten lists channel 0's
        // rows, then channel 1's. The padded cells hold q = 7, which dequantizes to exactly 0.
        var quant = new QuantParams(1f, 7);
        var model = Create(
            TensorShape.Image(2, 3, 2), InputLayout.Hwc, new Preprocessing(1f, 0f), quant, 36,
            new PadLayer("pad", 1, 0, 2, 1), new FlattenLayer("flat", FlattenOrder.Chw));
        var result = new ReferenceInterpreter(model).Run(Hwc(Channel0, Channel1));
        sbyte[] expected =
        [
            7, 7, 7, 7, 7, 7,
            7, 7, 8, 9, 10, 7,
            7, 7, 11, 12, 13, 7,
            7, 7, 7, 7, 7, 7,
            7, 7, 6, 5, 4, 7,
            7, 7, 3, 2, 1, 7,
        ];
        Assert.Equal(expected, result.Int8Output);
        Assert.Equal(expected.Select(q => (float)(q - 7)), result.Scores);
    }

    [Fact]
    public void FloatPadPutsZerosInTheNewCells()
    {
        // Bottom 2 and right 1 only: the input keeps its place at the top left of a 4x4 image.
        var model = Create(TensorShape.Image(2, 3, 2), null, 32, new PadLayer("pad", 0, 2, 0, 1), new FlattenLayer("flat", FlattenOrder.Chw));
        var result = new ReferenceInterpreter(model).Run(Hwc(Channel0, Channel1));
        Assert.Null(result.Int8Output);
        float[] expected =
        [
            1, 2, 3, 0,
            4, 5, 6, 0,
            0, 0, 0, 0,
            0, 0, 0, 0,
            -1, -2, -3, 0,
            -4, -5, -6, 0,
            0, 0, 0, 0,
            0, 0, 0, 0,
        ];
        Assert.Equal(expected, result.Scores);
        Assert.All(result.Scores.Where(v => v == 0), v => Assert.False(float.IsNegative(v), "padded cells are +0"));
    }

    [Fact]
    public void PadOfNothingIsACopyAndKeepsTheQuantization()
    {
        var quant = new QuantParams(0.5f, -3);
        var model = Create(TensorShape.Image(2, 3, 2), quant, 12, new PadLayer("pad", 0, 0, 0, 0), new FlattenLayer("flat", FlattenOrder.Hwc));
        var interpreter = new ReferenceInterpreter(model);
        Assert.Equal(quant, interpreter.OutputTensor.Quant);
        var x = Hwc(Channel0, Channel1).Select(v => v / 255f).ToArray();
        var padded = interpreter.Run(x).Int8Output;
        var copied = new ReferenceInterpreter(Create(TensorShape.Image(2, 3, 2), quant, 12, new FlattenLayer("flat", FlattenOrder.Hwc))).Run(x).Int8Output;
        Assert.Equal(copied, padded);
    }

    [Fact]
    public void ABadPadInMemoryIsRefusedAtItsLine()
    {
        var negative = Create(TensorShape.Image(2, 3, 2), null, 12, new PadLayer("pad", 0, -1, 0, 0) { Line = 9 }, new FlattenLayer("flat", FlattenOrder.Hwc));
        var error = Assert.Throws<QModelFormatException>(() => TensorChain.Infer(negative));
        Assert.Equal((QModelError.InvalidDimension, 9), (error.Code, error.Line));
        Assert.Contains("bottom padding -1", error.Message);

        var huge = Create(TensorShape.Image(2, 3, 2), null, 12, new PadLayer("pad", 0, 0, 16383, 0) { Line = 4 }, new FlattenLayer("flat", FlattenOrder.Hwc));
        error = Assert.Throws<QModelFormatException>(() => TensorChain.Infer(huge));
        Assert.Equal((QModelError.InvalidDimension, 4), (error.Code, error.Line));
    }
}

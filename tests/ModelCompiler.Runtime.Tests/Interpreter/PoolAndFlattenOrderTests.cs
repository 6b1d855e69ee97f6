using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using static ModelCompiler.Testing.HandModels;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>Max pooling and the two flatten orders against a case worked out by hand.</summary>
public sealed class PoolAndFlattenOrderTests
{
    // A 4x4 image with two channels; 2x2 max pooling with stride 2 keeps the maximum of each quadrant.
    private static readonly float[,] Channel0 =
    {
        { 1, 5, -3, 2 },
        { 4, 0, 7, 7 },
        { -9, -8, 12, 11 },
        { -7, -6, 10, 13 },
    };

    private static readonly float[,] Channel1 =
    {
        { -1, -5, 3, -2 },
        { -4, 0, -7, -8 },
        { 20, 21, -1, -1 },
        { 22, -3, -2, -9 },
    };

    // Pooled: channel 0 = [[5, 7], [-6, 13]], channel 1 = [[0, 3], [22, -1]].
    // HWC flatten walks pixels and, within a pixel, channels; CHW flatten walks channel 0's pixels, then channel 1's.
    private static readonly sbyte[] ExpectedHwc = [5, 0, 7, 3, -6, 22, 13, -1];
    private static readonly sbyte[] ExpectedChw = [5, 7, -6, 13, 0, 3, 22, -1];

    [Theory]
    [InlineData(FlattenOrder.Hwc)]
    [InlineData(FlattenOrder.Chw)]
    public void Int8MaxPoolThenFlatten(FlattenOrder order)
    {
        var model = Create(TensorShape.Image(4, 4, 2), Unit, 8, MaxPool(2, 2, Padding.Valid), new FlattenLayer("flat", order));
        var result = new ReferenceInterpreter(model).Run(Hwc(Channel0, Channel1));
        Assert.Equal(order == FlattenOrder.Hwc ? ExpectedHwc : ExpectedChw, result.Int8Output);
    }

    [Theory]
    [InlineData(FlattenOrder.Hwc)]
    [InlineData(FlattenOrder.Chw)]
    public void FloatMaxPoolThenFlatten(FlattenOrder order)
    {
        var model = Create(TensorShape.Image(4, 4, 2), null, 8, MaxPool(2, 2, Padding.Valid), new FlattenLayer("flat", order));
        var result = new ReferenceInterpreter(model).Run(Hwc(Channel0, Channel1));
        Assert.Null(result.Int8Output);
        var expected = order == FlattenOrder.Hwc ? ExpectedHwc : ExpectedChw;
        Assert.Equal(expected.Select(v => (float)v), result.Scores);
    }

    [Fact]
    public void PlanarInputLayoutGivesTheSameResult()
    {
        var hwc = Create(TensorShape.Image(4, 4, 2), Unit, 8, MaxPool(2, 2, Padding.Valid), new FlattenLayer("flat", FlattenOrder.Chw));
        var chw = Create(TensorShape.Image(4, 4, 2), InputLayout.Chw, hwc.Preprocessing, Unit, 8, [.. hwc.Layers]);
        Assert.Equal(ExpectedChw, new ReferenceInterpreter(chw).Run(Chw(Channel0, Channel1)).Int8Output);
    }

    [Fact]
    public void SamePaddedMaxPoolIgnoresPaddingCells()
    {
        // 3x3 all negative; 2x2 windows with stride 2 and same padding: the bottom row and right column of windows
        // hang over the edge (padding after only). Were padded cells read as 0 (the zero point), these would be 0.
        float[,] grid = { { -10, -20, -30 }, { -40, -50, -60 }, { -70, -80, -90 } };
        var model = Create(TensorShape.Image(3, 3, 1), Unit, 4, MaxPool(2, 2, Padding.Same), new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { -10, -30, -70, -90 }, new ReferenceInterpreter(model).Run(Hwc(grid)).Int8Output);

        var floatModel = Create(TensorShape.Image(3, 3, 1), null, 4, MaxPool(2, 2, Padding.Same), new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new float[] { -10, -30, -70, -90 }, new ReferenceInterpreter(floatModel).Run(Hwc(grid)).Scores);
    }

    [Fact]
    public void OverlappingMaxPoolWithStrideOne()
    {
        // 3x3 windows, stride 1, same padding (one cell before and after): each output is the max of its neighbourhood.
        float[,] grid = { { 1, 2, 3 }, { 4, 9, 5 }, { 6, 7, 8 } };
        var model = Create(TensorShape.Image(3, 3, 1), Unit, 9, MaxPool(3, 1, Padding.Same), new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { 9, 9, 9, 9, 9, 9, 9, 9, 9 }, new ReferenceInterpreter(model).Run(Hwc(grid)).Int8Output);
        float[,] corner = { { 1, 2, 3 }, { 4, 0, 5 }, { 6, 7, 8 } };
        Assert.Equal(new sbyte[] { 4, 5, 5, 7, 8, 8, 7, 8, 8 }, new ReferenceInterpreter(model).Run(Hwc(corner)).Int8Output);
    }

    private static Pool2DLayer MaxPool(int size, int stride, Padding padding) => new("pool", true, size, size, stride, stride, padding);
}

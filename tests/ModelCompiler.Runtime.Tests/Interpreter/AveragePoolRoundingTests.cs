using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using static ModelCompiler.Testing.HandModels;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>Int8 average pooling rounds the raw sum half away from zero over the in-bounds cells only.</summary>
public sealed class AveragePoolRoundingTests
{
    [Fact]
    public void TiesRoundAwayFromZero()
    {
        // Two 2x2 windows: sums 2 and -2 over 4 cells, i.e. 0.5 and -0.5.
        float[,] grid = { { 1, 0, -1, 0 }, { 1, 0, -1, 0 } };
        var model = Create(TensorShape.Image(2, 4, 1), Unit, 2, AveragePool(2, 2, Padding.Valid), new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { 1, -1 }, new ReferenceInterpreter(model).Run(Hwc(grid)).Int8Output);
    }

    [Fact]
    public void TiesUpRoundTowardPositiveInfinity()
    {
        // The windows of TiesRoundAwayFromZero under 'ties up': 0.5 -> 1, -0.5 -> 0 (TFLite's uint8 pool: (Σu + 2) / 4
        // on u = x + 128 gives 129 and 128).
        float[,] grid = { { 1, 0, -1, 0 }, { 1, 0, -1, 0 } };
        var model = Create(TensorShape.Image(2, 4, 1), Unit, 2, new Pool2DLayer("pool", false, 2, 2, 2, 2, Padding.Valid) { Ties = AverageTies.Up }, new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { 1, 0 }, new ReferenceInterpreter(model).Run(Hwc(grid)).Int8Output);
    }

    [Fact]
    public void DividesByInBoundsCellsAndRoundsRawValues()
    {
        // Zero point 3: raw q = x + 3 = [[4, 5, -1], [3, 4, 6], [-2, 9, 10]]. 2x2 windows, stride 2, same padding:
        // (0,0) 4 cells: 16 / 4 = 4; (0,1) 2 cells: (-1 + 6) / 2 = 2.5 -> 3; (1,0) 2 cells: (-2 + 9) / 2 = 3.5 -> 4;
        // (1,1) 1 cell: 10. Dividing by 4 everywhere would give 4, 1, 2, 3; rounding the real values instead of the
        // raw ones would give, for (0,1), round((-4 + 3) / 2) + 3 = -1 + 3 = 2.
        float[,] grid = { { 1, 2, -4 }, { 0, 1, 3 }, { -5, 6, 7 } };
        var model = Create(TensorShape.Image(3, 3, 1), new QuantParams(1f, 3), 4, AveragePool(2, 2, Padding.Same), new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new sbyte[] { 4, 3, 4, 10 }, new ReferenceInterpreter(model).Run(Hwc(grid)).Int8Output);
    }

    [Fact]
    public void FloatAverageDividesByInBoundsCells()
    {
        float[,] grid = { { 1, 2, -4 }, { 0, 1, 3 }, { -5, 6, 7 } };
        var model = Create(TensorShape.Image(3, 3, 1), null, 4, AveragePool(2, 2, Padding.Same), new FlattenLayer("flat", FlattenOrder.Hwc));
        Assert.Equal(new float[] { 1f, -0.5f, 0.5f, 7f }, new ReferenceInterpreter(model).Run(Hwc(grid)).Scores);
    }

    [Fact]
    public void GlobalAveragePool()
    {
        // Channel 0: (1 + 2 + 3 + 5) / 4 = 2.75 -> 3; channel 1: -2 / 4 = -0.5 -> -1 (away from zero).
        float[,] c0 = { { 1, 2 }, { 3, 5 } };
        float[,] c1 = { { -1, -1 }, { 0, 0 } };
        var model = Create(TensorShape.Image(2, 2, 2), Unit, 2, new GlobalAveragePoolLayer("gap"));
        Assert.Equal(new sbyte[] { 3, -1 }, new ReferenceInterpreter(model).Run(Hwc(c0, c1)).Int8Output);

        var floatModel = Create(TensorShape.Image(2, 2, 2), null, 2, new GlobalAveragePoolLayer("gap"));
        Assert.Equal(new float[] { 2.75f, -0.5f }, new ReferenceInterpreter(floatModel).Run(Hwc(c0, c1)).Scores);
    }

    [Fact]
    public void GlobalAveragePoolOverMoreCellsThanAnInt32SumHolds()
    {
        // 4096 x 4096 cells of -128: the raw sum is -2^31, and rounding subtracts another 2^23, which an int32
        // sum would wrap around (RoundedAverage takes a 64-bit sum for this reason).
        var model = Create(TensorShape.Image(4096, 4096, 1), Unit, 1, new GlobalAveragePoolLayer("gap"));
        var x = new float[4096 * 4096];
        Array.Fill(x, -128f);
        Assert.Equal(new sbyte[] { -128 }, new ReferenceInterpreter(model).Run(x).Int8Output);
    }

    private static Pool2DLayer AveragePool(int size, int stride, Padding padding) => new("pool", false, size, size, stride, stride, padding);
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Max and average pooling on int8 or float tensors. Only in-bounds window cells take part (padding is ignored,
/// and the average divides by the number of in-bounds cells). Cells are visited in the order ky, then kx. An int8
/// average rounds its ties as the layer's <see cref="Pool2DLayer.Ties"/> says.
/// </summary>
internal sealed class PoolKernel : UnaryKernel
{
    private readonly Pool2DLayer _layer;
    private readonly TensorShape _inShape;
    private readonly TensorShape _outShape;
    private readonly int _padTop;
    private readonly int _padLeft;

    public PoolKernel(Pool2DLayer layer, TensorInfo input, TensorInfo output)
    {
        _layer = layer;
        _inShape = input.Shape;
        _outShape = output.Shape;
        _padTop = TensorChain.PaddingBefore(_inShape.Height, layer.PoolHeight, layer.StrideHeight, layer.Padding);
        _padLeft = TensorChain.PaddingBefore(_inShape.Width, layer.PoolWidth, layer.StrideWidth, layer.Padding);
    }

    public override TensorValue Run(TensorValue input) => input.Int8 is { } q
        ? TensorValue.OfInt8(_outShape, Pool(q, _layer.IsMax ? MaxInt8 : AverageInt8))
        : TensorValue.OfFloat(_outShape, Pool(input.FloatValues, _layer.IsMax ? MaxFloat : AverageFloat));

    /// <summary>Reduces each output's window cells to one value; the output is HWC.</summary>
    private T[] Pool<T>(T[] x, Func<T[], IEnumerable<int>, T> reduce)
    {
        var y = new T[_outShape.Length];
        for (int oy = 0; oy < _outShape.Height; oy++)
        {
            for (int ox = 0; ox < _outShape.Width; ox++)
            {
                for (int c = 0; c < _outShape.Channels; c++)
                {
                    var cells = WindowCells(oy * _layer.StrideHeight - _padTop, ox * _layer.StrideWidth - _padLeft, c);
                    y[((oy * _outShape.Width) + ox) * _outShape.Channels + c] = reduce(x, cells);
                }
            }
        }

        return y;
    }

    /// <summary>HWC indices of the in-bounds cells of the window at (top, left) (which may lie in the padding), in the order ky, then kx.</summary>
    private IEnumerable<int> WindowCells(int top, int left, int channel)
    {
        for (int ky = 0; ky < _layer.PoolHeight; ky++)
        {
            int iy = top + ky;
            if (iy < 0 || iy >= _inShape.Height)
            {
                continue;
            }

            for (int kx = 0; kx < _layer.PoolWidth; kx++)
            {
                int ix = left + kx;
                if (ix < 0 || ix >= _inShape.Width)
                {
                    continue;
                }

                yield return ((iy * _inShape.Width) + ix) * _inShape.Channels + channel;
            }
        }
    }

    private static sbyte MaxInt8(sbyte[] x, IEnumerable<int> cells)
    {
        int max = sbyte.MinValue;
        foreach (int i in cells)
        {
            max = Math.Max(max, x[i]);
        }

        return (sbyte)max;
    }

    private sbyte AverageInt8(sbyte[] x, IEnumerable<int> cells)
    {
        long sum = 0;
        int count = 0;
        foreach (int i in cells)
        {
            sum += x[i];
            count++;
        }

        return (sbyte)(_layer.Ties == AverageTies.Up ? Quantizer.HalfUpAverage(sum, count) : Quantizer.RoundedAverage(sum, count));
    }

    private static float MaxFloat(float[] x, IEnumerable<int> cells)
    {
        // Starts from the first in-bounds cell and keeps a value only when strictly greater (so a NaN in a later
        // cell is ignored, one in the first cell stays): generated code must compare the same way.
        bool first = true;
        float max = 0f;
        foreach (int i in cells)
        {
            if (first || x[i] > max)
            {
                max = x[i];
                first = false;
            }
        }

        return max;
    }

    private static float AverageFloat(float[] x, IEnumerable<int> cells)
    {
        // float32 sum from +0 in window order, then one float32 division by the in-bounds count.
        float sum = 0f;
        int count = 0;
        foreach (int i in cells)
        {
            sum = sum + x[i];
            count++;
        }

        return sum / count;
    }
}

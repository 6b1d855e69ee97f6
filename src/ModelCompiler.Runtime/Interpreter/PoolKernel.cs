using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Max and average pooling on int8 or float tensors. Only in-bounds window cells take part (padding is ignored,
/// and the average divides by the number of in-bounds cells). Cells are visited in the order ky, then kx.
/// </summary>
internal sealed class PoolKernel : LayerKernel
{
    private readonly Pool2DLayer layer;
    private readonly TensorShape inShape;
    private readonly TensorShape outShape;
    private readonly int padTop;
    private readonly int padLeft;

    public PoolKernel(Pool2DLayer layer, TensorInfo input, TensorInfo output)
    {
        this.layer = layer;
        inShape = input.Shape;
        outShape = output.Shape;
        padTop = TensorChain.PaddingBefore(inShape.Height, layer.PoolHeight, layer.StrideHeight, layer.Padding);
        padLeft = TensorChain.PaddingBefore(inShape.Width, layer.PoolWidth, layer.StrideWidth, layer.Padding);
    }

    public override TensorValue Run(TensorValue input) => input.Int8 is { } q
        ? TensorValue.OfInt8(outShape, Pool(q, layer.IsMax ? MaxInt8 : AverageInt8))
        : TensorValue.OfFloat(outShape, Pool(input.FloatValues, layer.IsMax ? MaxFloat : AverageFloat));

    /// <summary>Reduces each output's window cells to one value; the output is HWC.</summary>
    private T[] Pool<T>(T[] x, Func<T[], IEnumerable<int>, T> reduce)
    {
        var y = new T[outShape.Length];
        for (int oy = 0; oy < outShape.Height; oy++)
        {
            for (int ox = 0; ox < outShape.Width; ox++)
            {
                for (int c = 0; c < outShape.Channels; c++)
                {
                    var cells = WindowCells(oy * layer.StrideHeight - padTop, ox * layer.StrideWidth - padLeft, c);
                    y[((oy * outShape.Width) + ox) * outShape.Channels + c] = reduce(x, cells);
                }
            }
        }

        return y;
    }

    /// <summary>HWC indices of the in-bounds cells of the window at (top, left) (which may lie in the padding), in the order ky, then kx.</summary>
    private IEnumerable<int> WindowCells(int top, int left, int channel)
    {
        for (int ky = 0; ky < layer.PoolHeight; ky++)
        {
            int iy = top + ky;
            if (iy < 0 || iy >= inShape.Height)
            {
                continue;
            }

            for (int kx = 0; kx < layer.PoolWidth; kx++)
            {
                int ix = left + kx;
                if (ix < 0 || ix >= inShape.Width)
                {
                    continue;
                }

                yield return ((iy * inShape.Width) + ix) * inShape.Channels + channel;
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

    private static sbyte AverageInt8(sbyte[] x, IEnumerable<int> cells)
    {
        long sum = 0;
        int count = 0;
        foreach (int i in cells)
        {
            sum += x[i];
            count++;
        }

        return (sbyte)Quantizer.RoundedAverage(sum, count);
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

using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Zero padding: output cell (y, x, c) is input cell (y - top, x - left, c) where that lies inside the input, else 0.0,
/// which is the zero point for an int8 tensor (the output keeps the input's quantization) and +0 for float32.
/// </summary>
internal sealed class PadKernel(PadLayer layer, TensorInfo input, TensorInfo output) : UnaryKernel
{
    public override TensorValue Run(TensorValue x) => x.Int8 is { } q
        ? TensorValue.OfInt8(output.Shape, Pad(q, (sbyte)input.Quant!.Value.ZeroPoint))
        : TensorValue.OfFloat(output.Shape, Pad(x.FloatValues, 0f));

    private T[] Pad<T>(T[] hwc, T zero)
    {
        var inShape = input.Shape;
        var outShape = output.Shape;
        var y = new T[outShape.Length];
        for (int oy = 0; oy < outShape.Height; oy++)
        {
            for (int ox = 0; ox < outShape.Width; ox++)
            {
                int iy = oy - layer.Top, ix = ox - layer.Left;
                bool inside = iy >= 0 && iy < inShape.Height && ix >= 0 && ix < inShape.Width;
                for (int c = 0; c < outShape.Channels; c++)
                {
                    y[((oy * outShape.Width) + ox) * outShape.Channels + c] = inside ? hwc[((iy * inShape.Width) + ix) * inShape.Channels + c] : zero;
                }
            }
        }

        return y;
    }
}

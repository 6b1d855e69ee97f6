using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// (H, W, C) to a vector. Activations are already HWC inside the interpreter, so Hwc order copies and Chw order
/// moves element (h, w, c) to index (c * H + h) * W + w. Quantization is unchanged.
/// </summary>
internal sealed class FlattenKernel(FlattenOrder order, TensorInfo input, TensorInfo output) : UnaryKernel
{
    public override TensorValue Run(TensorValue x)
    {
        return x.Int8 is { } q
            ? TensorValue.OfInt8(output.Shape, Reorder(q))
            : TensorValue.OfFloat(output.Shape, Reorder(x.FloatValues));
    }

    private T[] Reorder<T>(T[] hwc)
    {
        int height = input.Shape.Height, width = input.Shape.Width, channels = input.Shape.Channels;
        var y = new T[hwc.Length];
        for (int h = 0; h < height; h++)
        {
            for (int w = 0; w < width; w++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int target = order == FlattenOrder.Hwc ? ((h * width) + w) * channels + c : ((c * height) + h) * width + w;
                    y[target] = hwc[((h * width) + w) * channels + c];
                }
            }
        }

        return y;
    }
}

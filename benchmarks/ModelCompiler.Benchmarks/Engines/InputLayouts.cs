using ModelCompiler.Format;

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>The peers take NCHW; the model's own input layout may be HWC.</summary>
public static class InputLayouts
{
    public static void ToNchw(QModel model, ReadOnlySpan<float> input, Span<float> nchw)
    {
        var shape = model.InputShape;
        if (model.InputLayout == InputLayout.Chw)
        {
            input.CopyTo(nchw);
            return;
        }

        for (int h = 0; h < shape.Height; h++)
        {
            for (int w = 0; w < shape.Width; w++)
            {
                for (int c = 0; c < shape.Channels; c++)
                {
                    nchw[(c * shape.Height + h) * shape.Width + w] = input[(h * shape.Width + w) * shape.Channels + c];
                }
            }
        }
    }
}

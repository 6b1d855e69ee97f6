using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Mean over height and width per channel, visiting cells h, then w. Int8: RoundedAverage of the raw sum (64-bit,
/// since up to 2^26 cells are allowed); with an output quantization, the raw sum (at most 2^24 cells, so int32) rescaled
/// by <see cref="MeanRescale"/> under the layer's rounding rule. Float: float32 sum from +0, then one float32 division by H*W.
/// </summary>
internal sealed class GlobalAveragePoolKernel(GlobalAveragePoolLayer layer, TensorInfo input, TensorInfo output, Rounding rounding) : UnaryKernel
{
    private readonly MeanRescale? _rescale = layer.OutputQuant is { } quant && input.Quant is { } inputQuant
        ? MeanRescale.For(input.Shape.Height * input.Shape.Width, inputQuant.Scale, inputQuant.ZeroPoint, quant.Scale, quant.ZeroPoint)
        : null;

    public override TensorValue Run(TensorValue x)
    {
        int height = input.Shape.Height, width = input.Shape.Width, channels = input.Shape.Channels;
        int count = height * width;
        if (x.Int8 is { } q)
        {
            var y = new sbyte[channels];
            for (int c = 0; c < channels; c++)
            {
                long sum = 0;
                for (int h = 0; h < height; h++)
                {
                    for (int w = 0; w < width; w++)
                    {
                        sum += q[((h * width) + w) * channels + c];
                    }
                }

                y[c] = _rescale is { } r
                    ? (sbyte)RoundingRule.Requantize(rounding, (int)sum, r.Multiplier, r.Bias, sbyte.MinValue, sbyte.MaxValue)
                    : (sbyte)Quantizer.RoundedAverage(sum, count);
            }

            return TensorValue.OfInt8(output.Shape, y);
        }

        var f = x.FloatValues;
        var yf = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            float sum = 0f;
            for (int h = 0; h < height; h++)
            {
                for (int w = 0; w < width; w++)
                {
                    sum = sum + f[((h * width) + w) * channels + c];
                }
            }

            yf[c] = sum / count;
        }

        return TensorValue.OfFloat(output.Shape, yf);
    }
}

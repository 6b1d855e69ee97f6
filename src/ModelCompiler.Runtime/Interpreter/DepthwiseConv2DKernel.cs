using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Depthwise 2-D convolution, depth multiplier 1: output channel c convolves input channel c with its filter
/// <c>weights[c][0][ky][kx]</c>, cells visited ky then kx. HWC activations. Window cells in the padding are skipped,
/// as in <see cref="Conv2DKernel"/> (for int8 exactly "the cell holds the input zero point").
/// </summary>
internal sealed class DepthwiseConv2DKernel : WeightedKernel
{
    private readonly DepthwiseConv2DLayer _layer;
    private readonly TensorShape _inShape;
    private readonly TensorShape _outShape;
    private readonly int _padTop;
    private readonly int _padLeft;

    public DepthwiseConv2DKernel(DepthwiseConv2DLayer layer, TensorInfo input, TensorInfo output, Rounding rounding)
        : base(layer, input, output, rounding)
    {
        _layer = layer;
        _inShape = input.Shape;
        _outShape = output.Shape;
        _padTop = TensorChain.PaddingBefore(_inShape.Height, layer.KernelHeight, layer.StrideHeight, layer.Padding);
        _padLeft = TensorChain.PaddingBefore(_inShape.Width, layer.KernelWidth, layer.StrideWidth, layer.Padding);
    }

    protected override TensorValue RunInt8(sbyte[] x)
    {
        var w = Int8Weights!;
        var stage = OutputStage!;
        int zp = InputZeroPoint, zw = w.WeightZeroPoint;
        int inH = _inShape.Height, inW = _inShape.Width, channels = _inShape.Channels;
        int kh = _layer.KernelHeight, kw = _layer.KernelWidth;
        int outH = _outShape.Height, outW = _outShape.Width;
        var y = new sbyte[_outShape.Length];
        for (int oy = 0; oy < outH; oy++)
        {
            for (int ox = 0; ox < outW; ox++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int acc = w.Bias[c];
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = oy * _layer.StrideHeight - _padTop + ky;
                        if (iy < 0 || iy >= inH)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ix = ox * _layer.StrideWidth - _padLeft + kx;
                            if (ix < 0 || ix >= inW)
                            {
                                continue;
                            }

                            acc += (x[((iy * inW) + ix) * channels + c] - zp) * (w.Values[(c * kh + ky) * kw + kx] - zw);
                        }
                    }

                    y[((oy * outW) + ox) * channels + c] = stage.Requantize(acc, c);
                }
            }
        }

        return TensorValue.OfInt8(_outShape, y);
    }

    protected override TensorValue RunFloat(float[] x)
    {
        float[] weights = FloatValues!, bias = FloatBias!;
        int inH = _inShape.Height, inW = _inShape.Width, channels = _inShape.Channels;
        int kh = _layer.KernelHeight, kw = _layer.KernelWidth;
        int outH = _outShape.Height, outW = _outShape.Width;
        var y = new float[_outShape.Length];
        for (int oy = 0; oy < outH; oy++)
        {
            for (int ox = 0; ox < outW; ox++)
            {
                for (int c = 0; c < channels; c++)
                {
                    float acc = bias[c];
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = oy * _layer.StrideHeight - _padTop + ky;
                        if (iy < 0 || iy >= inH)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ix = ox * _layer.StrideWidth - _padLeft + kx;
                            if (ix < 0 || ix >= inW)
                            {
                                continue;
                            }

                            // Two float32 roundings, never a fused multiply-add: generated code must do the same.
                            float product = x[((iy * inW) + ix) * channels + c] * weights[(c * kh + ky) * kw + kx];
                            acc = acc + product;
                        }
                    }

                    y[((oy * outW) + ox) * channels + c] = Quantizer.Activate(acc, _layer.Activation);
                }
            }
        }

        return TensorValue.OfFloat(_outShape, y);
    }
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// 2-D convolution, HWC activations, OIHW weights. Window cells that fall in the padding are skipped: for int8 that is
/// exactly "the cell holds the input zero point" (its term (zp - zp) * w is 0); for float it is "the cell holds 0"
/// up to the sign of a zero accumulator (see docs/arithmetic.md).
/// </summary>
internal sealed class Conv2DKernel : WeightedKernel
{
    private readonly Conv2DLayer _layer;
    private readonly TensorShape _inShape;
    private readonly TensorShape _outShape;
    private readonly int _padTop;
    private readonly int _padLeft;

    public Conv2DKernel(Conv2DLayer layer, TensorInfo input, TensorInfo output, Rounding rounding)
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
        int inH = _inShape.Height, inW = _inShape.Width, inC = _inShape.Channels;
        int kh = _layer.KernelHeight, kw = _layer.KernelWidth;
        int outH = _outShape.Height, outW = _outShape.Width, outC = _outShape.Channels;
        var y = new sbyte[_outShape.Length];
        for (int oy = 0; oy < outH; oy++)
        {
            for (int ox = 0; ox < outW; ox++)
            {
                for (int co = 0; co < outC; co++)
                {
                    int acc = w.Bias[co];
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

                            for (int ci = 0; ci < inC; ci++)
                            {
                                int xv = x[((iy * inW) + ix) * inC + ci] - zp;
                                int wv = w.Values[((co * inC + ci) * kh + ky) * kw + kx] - zw;
                                acc += xv * wv;
                            }
                        }
                    }

                    y[((oy * outW) + ox) * outC + co] = stage.Requantize(acc, co);
                }
            }
        }

        return TensorValue.OfInt8(_outShape, y);
    }

    protected override TensorValue RunFloat(float[] x)
    {
        float[] weights = FloatValues!, bias = FloatBias!;
        int inH = _inShape.Height, inW = _inShape.Width, inC = _inShape.Channels;
        int kh = _layer.KernelHeight, kw = _layer.KernelWidth;
        int outH = _outShape.Height, outW = _outShape.Width, outC = _outShape.Channels;
        var y = new float[_outShape.Length];
        for (int oy = 0; oy < outH; oy++)
        {
            for (int ox = 0; ox < outW; ox++)
            {
                for (int co = 0; co < outC; co++)
                {
                    float acc = bias[co];
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

                            for (int ci = 0; ci < inC; ci++)
                            {
                                // Two float32 roundings, never a fused multiply-add: generated code must do the same.
                                float product = x[((iy * inW) + ix) * inC + ci] * weights[((co * inC + ci) * kh + ky) * kw + kx];
                                acc = acc + product;
                            }
                        }
                    }

                    y[((oy * outW) + ox) * outC + co] = Quantizer.Activate(acc, _layer.Activation);
                }
            }
        }

        return TensorValue.OfFloat(_outShape, y);
    }
}

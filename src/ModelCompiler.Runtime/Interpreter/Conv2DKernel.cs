using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// 2-D convolution, HWC activations, OIHW weights. Window cells that fall in the padding are skipped: for int8 that is
/// exactly "the cell holds the input zero point" (its term (zp - zp) * w is 0); for float it is "the cell holds 0"
/// up to the sign of a zero accumulator (see docs/arithmetic.md).
/// </summary>
internal sealed class Conv2DKernel : LayerKernel
{
    private readonly Conv2DLayer layer;
    private readonly TensorShape inShape;
    private readonly TensorShape outShape;
    private readonly int padTop;
    private readonly int padLeft;

    // Int8 layers.
    private readonly Int8Weights? int8Weights;
    private readonly int inputZeroPoint;
    private readonly Int8OutputStage? outputStage;

    // Float-domain layers (float32, dynamic int8, float16).
    private readonly FloatWeights? floatWeights;

    public Conv2DKernel(Conv2DLayer layer, TensorInfo input, TensorInfo output)
    {
        this.layer = layer;
        inShape = input.Shape;
        outShape = output.Shape;
        padTop = TensorChain.PaddingBefore(inShape.Height, layer.KernelHeight, layer.StrideHeight, layer.Padding);
        padLeft = TensorChain.PaddingBefore(inShape.Width, layer.KernelWidth, layer.StrideWidth, layer.Padding);
        if (layer.Weights is Int8Weights w)
        {
            int8Weights = w;
            var inQuant = input.Quant!.Value;
            inputZeroPoint = inQuant.ZeroPoint;
            outputStage = new Int8OutputStage(inQuant, w.Scales, output.Quant!.Value, layer.Activation);
        }
        else
        {
            floatWeights = FloatWeights.From(layer.Weights);
        }
    }

    public override TensorValue Run(TensorValue input) =>
        int8Weights is not null ? RunInt8(input.Int8Values) : RunFloat(input.FloatValues);

    private TensorValue RunInt8(sbyte[] x)
    {
        var w = int8Weights!;
        int inH = inShape.Height, inW = inShape.Width, inC = inShape.Channels;
        int kh = layer.KernelHeight, kw = layer.KernelWidth;
        int outH = outShape.Height, outW = outShape.Width, outC = outShape.Channels;
        var y = new sbyte[outShape.Length];
        for (int oy = 0; oy < outH; oy++)
        {
            for (int ox = 0; ox < outW; ox++)
            {
                for (int co = 0; co < outC; co++)
                {
                    int acc = w.Bias[co];
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = oy * layer.StrideHeight - padTop + ky;
                        if (iy < 0 || iy >= inH)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ix = ox * layer.StrideWidth - padLeft + kx;
                            if (ix < 0 || ix >= inW)
                            {
                                continue;
                            }

                            for (int ci = 0; ci < inC; ci++)
                            {
                                int xv = x[((iy * inW) + ix) * inC + ci] - inputZeroPoint;
                                int wv = w.Values[((co * inC + ci) * kh + ky) * kw + kx];
                                acc += xv * wv;
                            }
                        }
                    }

                    y[((oy * outW) + ox) * outC + co] = outputStage!.Requantize(acc, co);
                }
            }
        }

        return TensorValue.OfInt8(outShape, y);
    }

    private TensorValue RunFloat(float[] x)
    {
        var w = floatWeights!;
        int inH = inShape.Height, inW = inShape.Width, inC = inShape.Channels;
        int kh = layer.KernelHeight, kw = layer.KernelWidth;
        int outH = outShape.Height, outW = outShape.Width, outC = outShape.Channels;
        var y = new float[outShape.Length];
        for (int oy = 0; oy < outH; oy++)
        {
            for (int ox = 0; ox < outW; ox++)
            {
                for (int co = 0; co < outC; co++)
                {
                    float acc = w.Bias[co];
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = oy * layer.StrideHeight - padTop + ky;
                        if (iy < 0 || iy >= inH)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ix = ox * layer.StrideWidth - padLeft + kx;
                            if (ix < 0 || ix >= inW)
                            {
                                continue;
                            }

                            for (int ci = 0; ci < inC; ci++)
                            {
                                // Two float32 roundings, never a fused multiply-add: generated code must do the same.
                                float product = x[((iy * inW) + ix) * inC + ci] * w.Values[((co * inC + ci) * kh + ky) * kw + kx];
                                acc = acc + product;
                            }
                        }
                    }

                    y[((oy * outW) + ox) * outC + co] = Quantizer.Activate(acc, layer.Activation);
                }
            }
        }

        return TensorValue.OfFloat(outShape, y);
    }
}

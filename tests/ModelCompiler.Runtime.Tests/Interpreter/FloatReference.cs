using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// A tensor of the float reference: the real value of the dequantized network (computed in double) and, per element,
/// a proven bound on how far the interpreter's value of the same element may be from it.
/// </summary>
internal sealed record ReferenceTensor(TensorShape Shape, double[] Value, double[] Bound);

/// <summary>
/// One layer of the float reference network, written independently of the interpreter (own loops, own padding
/// arithmetic, System.Half for float16). Int8 tensors are compared through their real value s * (q - zp), so every
/// step states how much error it adds on top of the error of its input (see each step's comments).
/// </summary>
internal abstract class ReferenceStep
{
    /// <summary>float32 unit roundoff.</summary>
    protected const double U = 1.0 / (1 << 24);

    /// <summary>
    /// The real interval the int8 tensor a quantizing step (quantize, int8 conv/dense) produces can represent,
    /// [s(-128 - zp), s(127 - zp)]; null for steps that produce float or keep their input's quantization.
    /// </summary>
    protected (double Lo, double Hi)? Range { get; init; }

    public abstract ReferenceTensor Forward(ReferenceTensor x);

    /// <summary>The step on the tensors its layer reads; every step but the addition reads one.</summary>
    public virtual ReferenceTensor Forward(IReadOnlyList<ReferenceTensor> inputs) => Forward(inputs[0]);

    /// <summary>Higham's gamma_k: the relative error bound of k float32 roundings in a recursive sum.</summary>
    protected static double Gamma(int k) => k * U / (1 - (k * U));

    /// <summary>
    /// The network treats each int8 tensor as clamped to its representable range (as fake quantization does);
    /// clamping is 1-Lipschitz, so it never enlarges a bound.
    /// </summary>
    protected double ClampToRange(double v) => Range is { } r ? Math.Clamp(v, r.Lo, r.Hi) : v;

    protected static double ClampTo((double Lo, double Hi)? range, double v) => range is { } r ? Math.Clamp(v, r.Lo, r.Hi) : v;

    public static (double Lo, double Hi) RangeOf(QuantParams q) => (q.Scale * (-128.0 - q.ZeroPoint), q.Scale * (127.0 - q.ZeroPoint));

    protected static double Activate(double z, Activation activation) => activation switch
    {
        Activation.Relu => Math.Max(z, 0),
        Activation.Relu6 => Math.Min(Math.Max(z, 0), 6),
        _ => z,
    };

    protected static int PaddingBefore(int input, int kernel, int stride, Padding padding)
    {
        if (padding == Padding.Valid)
        {
            return 0;
        }

        int output = (input + stride - 1) / stride;
        return Math.Max((output - 1) * stride + kernel - input, 0) / 2;
    }

    protected static int OutputSize(int input, int kernel, int stride, Padding padding) =>
        padding == Padding.Valid ? (input - kernel) / stride + 1 : (input + stride - 1) / stride;
}

/// <summary>Float to int8 (network input quantization or a quantize layer).</summary>
internal sealed class QuantizeStep : ReferenceStep
{
    private readonly QuantParams quant;

    public QuantizeStep(QuantParams quant)
    {
        this.quant = quant;
        Range = RangeOf(quant);
    }

    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        var value = new double[x.Value.Length];
        var bound = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            value[i] = ClampToRange(x.Value[i]);
            // Rounding to the grid: s/2. The float32 division x/s is off by at most |x/s| u steps, i.e. |x| u in real
            // units; the engine's x is within the input bound of ours, hence (|x| + bound) * 2u to be safe.
            bound[i] = x.Bound[i] + quant.Scale / 2 + (Math.Abs(x.Value[i]) + x.Bound[i]) * 2 * U;
        }

        return new ReferenceTensor(x.Shape, value, bound);
    }
}

/// <summary>Int8 to float: s * (q - zp) in float32 adds one rounding.</summary>
internal sealed class DequantizeStep : ReferenceStep
{
    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        var bound = new double[x.Value.Length];
        for (int i = 0; i < bound.Length; i++)
        {
            bound[i] = x.Bound[i] + (Math.Abs(x.Value[i]) + x.Bound[i]) * 2 * U;
        }

        return x with { Bound = bound };
    }
}

/// <summary>
/// Conv2D (and Dense, as a 1x1 image convolution) with real weights: for int8 layers q * s_w[c] and bias
/// bias_q * s_in * s_w[c]; for float layers exactly the float32 weights the layer computes with.
/// </summary>
internal sealed class ConvolutionStep(
    double[] weights, double[] bias, int kernelHeight, int kernelWidth, int stride, Padding padding,
    Activation activation, TensorShape outputShape, QuantParams? outputQuant) : ReferenceStep
{
    private readonly (double Lo, double Hi)? range = outputQuant is { } q ? RangeOf(q) : null;

    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        var inShape = x.Shape;
        int filters = bias.Length;
        int outH = outputShape.Height, outW = outputShape.Width;
        int padTop = PaddingBefore(inShape.Height, kernelHeight, stride, padding);
        int padLeft = PaddingBefore(inShape.Width, kernelWidth, stride, padding);
        var value = new double[outputShape.Length];
        var bound = new double[value.Length];
        for (int oy = 0; oy < outH; oy++)
        {
            for (int ox = 0; ox < outW; ox++)
            {
                for (int co = 0; co < filters; co++)
                {
                    double z = bias[co];
                    double propagated = 0; // sum |w| * input bound: how far the engine's exact sum can be from ours
                    double magnitude = Math.Abs(bias[co]); // sum of |terms| the engine adds (for float roundoff)
                    int terms = 1;
                    for (int ky = 0; ky < kernelHeight; ky++)
                    {
                        for (int kx = 0; kx < kernelWidth; kx++)
                        {
                            int iy = oy * stride - padTop + ky, ix = ox * stride - padLeft + kx;
                            if (iy < 0 || iy >= inShape.Height || ix < 0 || ix >= inShape.Width)
                            {
                                continue; // padding holds real 0: no term, no error
                            }

                            for (int ci = 0; ci < inShape.Channels; ci++)
                            {
                                int i = ((iy * inShape.Width) + ix) * inShape.Channels + ci;
                                double w = weights[((co * inShape.Channels + ci) * kernelHeight + ky) * kernelWidth + kx];
                                z += x.Value[i] * w;
                                propagated += Math.Abs(w) * x.Bound[i];
                                magnitude += Math.Abs(w) * (Math.Abs(x.Value[i]) + x.Bound[i]);
                                terms++;
                            }
                        }
                    }

                    int o = ((oy * outW) + ox) * filters + co;
                    value[o] = ClampTo(range, Activate(z, activation));
                    if (outputQuant is { } q)
                    {
                        // The int32 accumulator times s_in * s_w is the engine's exact real sum. Requantization adds: the
                        // 31-bit multiplier (relative 2^-31, plus 2^-52 from computing it in double: 2^-30 covers both),
                        // then one rounding to the output grid (s/2). ReLU and the clamp are 1-Lipschitz; ReLU6's int8
                        // top is quantize(6), up to s/2 away from 6, hence s instead of s/2 for ReLU6.
                        double grid = activation == Activation.Relu6 ? q.Scale : q.Scale / 2;
                        bound[o] = propagated + (Math.Abs(z) + propagated) * Math.Pow(2, -30) + grid + 1e-12 * magnitude;
                    }
                    else
                    {
                        // float32: each product and each addition rounds once (no FMA): gamma_(terms + 1) * sum |terms|.
                        bound[o] = propagated + Gamma(terms + 1) * magnitude;
                    }
                }
            }
        }

        return new ReferenceTensor(outputShape, value, bound);
    }
}

/// <summary>
/// Addition of two tensors. Int8 inputs carry their own quantization; the output has <paramref name="outputQuant"/>.
/// </summary>
internal sealed class AddStep(Activation activation, QuantParams? firstQuant, QuantParams? secondQuant, QuantParams? outputQuant) : ReferenceStep
{
    private readonly (double Lo, double Hi)? range = outputQuant is { } q ? RangeOf(q) : null;

    public override ReferenceTensor Forward(ReferenceTensor x) => throw new InvalidOperationException("an addition reads two tensors");

    public override ReferenceTensor Forward(IReadOnlyList<ReferenceTensor> inputs)
    {
        ReferenceTensor a = inputs[0], b = inputs[1];
        var value = new double[a.Value.Length];
        var bound = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            double z = a.Value[i] + b.Value[i];
            double propagated = a.Bound[i] + b.Bound[i];
            double magnitude = Math.Abs(a.Value[i]) + Math.Abs(b.Value[i]) + propagated;
            value[i] = ClampTo(range, Activate(z, activation));
            if (outputQuant is { } q)
            {
                // docs/arithmetic.md, "Addition": each input is rounded once to the grid 2 max(s1, s2) 2^-20 (half a cell
                // each), the three multipliers are off by 2^-31 relative (2^-29 covers them and the double arithmetic),
                // then one rounding to the output grid (s/2; s for ReLU6, whose int8 top is within s/2 of 6).
                double cell = 2.0 * Math.Max(firstQuant!.Value.Scale, secondQuant!.Value.Scale) * Math.Pow(2, -20);
                double grid = activation == Activation.Relu6 ? q.Scale : q.Scale / 2;
                bound[i] = propagated + cell + magnitude * Math.Pow(2, -29) + grid;
            }
            else
            {
                // One float32 addition.
                bound[i] = propagated + Gamma(1) * magnitude;
            }
        }

        return new ReferenceTensor(a.Shape, value, bound);
    }
}

/// <summary>Max or average pooling over in-bounds cells.</summary>
internal sealed class PoolStep(bool isMax, int size, int stride, Padding padding, TensorShape outputShape, QuantParams? quant)
    : ReferenceStep
{
    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        var inShape = x.Shape;
        int padTop = PaddingBefore(inShape.Height, size, stride, padding);
        int padLeft = PaddingBefore(inShape.Width, size, stride, padding);
        var value = new double[outputShape.Length];
        var bound = new double[value.Length];
        for (int oy = 0; oy < outputShape.Height; oy++)
        {
            for (int ox = 0; ox < outputShape.Width; ox++)
            {
                for (int c = 0; c < inShape.Channels; c++)
                {
                    var cells = new List<int>();
                    for (int ky = 0; ky < size; ky++)
                    {
                        for (int kx = 0; kx < size; kx++)
                        {
                            int iy = oy * stride - padTop + ky, ix = ox * stride - padLeft + kx;
                            if (iy >= 0 && iy < inShape.Height && ix >= 0 && ix < inShape.Width)
                            {
                                cells.Add(((iy * inShape.Width) + ix) * inShape.Channels + c);
                            }
                        }
                    }

                    int o = ((oy * outputShape.Width) + ox) * outputShape.Channels + c;
                    (value[o], bound[o]) = isMax ? Max(x, cells) : AveragePoolStep.Average(x, cells, quant);
                }
            }
        }

        return new ReferenceTensor(outputShape, value, bound);
    }

    private static (double, double) Max(ReferenceTensor x, List<int> cells)
    {
        // |max(a) - max(b)| <= max |a_i - b_i|, and max adds no rounding.
        double value = double.NegativeInfinity, bound = 0;
        foreach (int i in cells)
        {
            value = Math.Max(value, x.Value[i]);
            bound = Math.Max(bound, x.Bound[i]);
        }

        return (value, bound);
    }
}

/// <summary>Global average pooling: one average per channel over all H * W cells.</summary>
internal sealed class AveragePoolStep(QuantParams? quant) : ReferenceStep
{
    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        int channels = x.Shape.Channels;
        var value = new double[channels];
        var bound = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            var cells = new List<int>();
            for (int p = 0; p < x.Shape.Height * x.Shape.Width; p++)
            {
                cells.Add(p * channels + c);
            }

            (value[c], bound[c]) = Average(x, cells, quant);
        }

        return new ReferenceTensor(TensorShape.Vector(channels), value, bound);
    }

    public static (double, double) Average(ReferenceTensor x, List<int> cells, QuantParams? quant)
    {
        double sum = 0, boundSum = 0, magnitude = 0;
        foreach (int i in cells)
        {
            sum += x.Value[i];
            boundSum += x.Bound[i];
            magnitude += Math.Abs(x.Value[i]) + x.Bound[i];
        }

        int n = cells.Count;
        // The mean of the engine's values is within the mean bound of ours. Int8 then rounds the mean of the raw
        // values to an integer (at most half a step, s/2); float32 rounds n - 1 additions and one division.
        double extra = quant is { } q ? q.Scale / 2 : Gamma(n + 1) * magnitude / n;
        return (sum / n, boundSum / n + extra);
    }
}

/// <summary>Flatten in HWC or CHW order: a permutation, no arithmetic.</summary>
internal sealed class FlattenStep(FlattenOrder order) : ReferenceStep
{
    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        int height = x.Shape.Height, width = x.Shape.Width, channels = x.Shape.Channels;
        var value = new double[x.Value.Length];
        var bound = new double[value.Length];
        for (int h = 0; h < height; h++)
        {
            for (int w = 0; w < width; w++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int source = ((h * width) + w) * channels + c;
                    int target = order == FlattenOrder.Hwc ? source : ((c * height) + h) * width + w;
                    value[target] = x.Value[source];
                    bound[target] = x.Bound[source];
                }
            }
        }

        return new ReferenceTensor(TensorShape.Vector(value.Length), value, bound);
    }
}

/// <summary>Zero padding: a copy with new cells of value 0 (the zero point of an int8 tensor), no arithmetic, no new error.</summary>
internal sealed class PadStep(int top, int bottom, int left, int right) : ReferenceStep
{
    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        var shape = TensorShape.Image(top + x.Shape.Height + bottom, left + x.Shape.Width + right, x.Shape.Channels);
        var value = new double[shape.Length];
        var bound = new double[value.Length];
        for (int h = 0; h < x.Shape.Height; h++)
        {
            for (int w = 0; w < x.Shape.Width; w++)
            {
                for (int c = 0; c < shape.Channels; c++)
                {
                    int source = ((h * x.Shape.Width) + w) * shape.Channels + c;
                    int target = (((h + top) * shape.Width) + w + left) * shape.Channels + c;
                    value[target] = x.Value[source];
                    bound[target] = x.Bound[source];
                }
            }
        }

        return new ReferenceTensor(shape, value, bound);
    }
}

/// <summary>Adapts a 1x1 image step to vectors (Dense as a 1x1 convolution).</summary>
internal sealed class VectorStep(ConvolutionStep inner) : ReferenceStep
{
    public override ReferenceTensor Forward(ReferenceTensor x)
    {
        var image = inner.Forward(x with { Shape = TensorShape.Image(1, 1, x.Value.Length) });
        return image with { Shape = TensorShape.Vector(image.Value.Length) };
    }
}

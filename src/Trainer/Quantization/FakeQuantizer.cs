using ModelCompiler.Format;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Quantization;

/// <summary>
/// Fake quantization that reproduces the Runtime's int8 arithmetic in float (docs/arithmetic.md): values are
/// quantized with round-half-to-even of x / scale (float32 division, as <c>Quantizer.Quantize</c>), clamped, and
/// dequantized; gradients pass straight through (<c>x + (fq(x) - x).detach()</c>).
/// </summary>
public static class FakeQuantizer
{
    /// <summary>Per-tensor asymmetric int8: <c>(clamp(round(x / s) + zp, -128, 127) - zp) * s</c>.</summary>
    public static Tensor Activation(Tensor x, QuantParams q)
    {
        using var scope = NewDisposeScope();
        Tensor quantized;
        using (no_grad())
        {
            // One new tensor, then in place: the same float32 operations in the same order as the chain
            // (x / s).round().add(zp)... without five more batch-sized temporaries.
            quantized = x.detach().div(q.Scale).round_().add_(q.ZeroPoint).clamp_(-128, 127).sub_(q.ZeroPoint).mul_(q.Scale);
        }

        return StraightThrough(x, quantized).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per-output-channel symmetric weights of <paramref name="bits"/> bits (8, or 7 for <c>weight_bits 7</c>): with
    /// qmax = 2^(bits-1) - 1 (127 or 63), scale[c] = max|w[c]| / qmax (1 for an all-zero channel),
    /// q = clamp(round(w / scale), -qmax, qmax). Returns q (as float) and the scales, shaped [out].
    /// </summary>
    public static (Tensor Q, Tensor Scale) QuantizeWeights(Tensor weight, int bits = Int8Weights.FullBits)
    {
        if (bits != Int8Weights.FullBits && bits != Int8Weights.ReducedBits)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "weights are quantized to 8 or 7 bits");
        }

        int qmax = Int8Weights.MaxMagnitude(bits);
        using var scope = NewDisposeScope();
        var w = weight.detach();
        var flat = w.reshape(w.shape[0], -1);
        var scale = flat.abs().amax([1L]).div((float)qmax);
        scale = where(scale > 0, scale, ones_like(scale));
        var shape = new long[w.dim()];
        Array.Fill(shape, 1L);
        shape[0] = w.shape[0];
        var q = (w / scale.reshape(shape)).round().clamp(-qmax, qmax);
        return (q.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope());
    }

    /// <summary>The weight tensor as the int8 kernels see it: q * scale[c], with a straight-through gradient.</summary>
    public static Tensor Weights(Tensor weight, int bits = Int8Weights.FullBits)
    {
        using var scope = NewDisposeScope();
        var (q, scale) = QuantizeWeights(weight, bits);
        var shape = new long[weight.dim()];
        Array.Fill(shape, 1L);
        shape[0] = weight.shape[0];
        return StraightThrough(weight, q * scale.reshape(shape)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// int32 bias at scale s_in * s_w[c]: <c>round(b / (s_in * s_w[c]))</c>, clamped to the int32 range. Returns the
    /// integers (as float64, exact) and the per-channel bias scales (float32).
    /// </summary>
    public static (Tensor Q, Tensor Scale) QuantizeBias(Tensor bias, float inputScale, Tensor weightScale)
    {
        using var scope = NewDisposeScope();
        var scale = weightScale.mul(inputScale);
        var q = (bias.detach().to(ScalarType.Float64) / scale.to(ScalarType.Float64)).round().clamp(int.MinValue + 1, int.MaxValue);
        return (q.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope());
    }

    /// <summary>The bias as the int8 kernels add it: q * s_in * s_w[c], straight-through.</summary>
    public static Tensor Bias(Tensor bias, float inputScale, Tensor weightScale)
    {
        using var scope = NewDisposeScope();
        var (q, scale) = QuantizeBias(bias, inputScale, weightScale);
        return StraightThrough(bias, q.to(ScalarType.Float32) * scale).MoveToOuterDisposeScope();
    }

    /// <summary>float16 weights: round to the nearest half (ties to even) and widen back.</summary>
    public static Tensor Float16(Tensor weight) => StraightThrough(weight, weight.detach().to(ScalarType.Float16).to(ScalarType.Float32));

    /// <summary>
    /// Forward value of <paramref name="quantized"/> exactly, gradient of the identity. Written as
    /// <c>fq.detach() + (x - x.detach())</c> rather than <c>x + (fq - x).detach()</c>: same gradient, but the latter's
    /// forward value is rounded twice in float32 and can miss the Runtime's value by an ulp.
    /// </summary>
    public static Tensor StraightThrough(Tensor x, Tensor quantized) => quantized.detach() + (x - x.detach());

    /// <summary>
    /// TFLite-style asymmetric parameters for an observed range, widened to contain 0 so that 0 (padding, ReLU's
    /// floor) is exact: scale = (max - min) / 255, zero point = -128 - round(min / scale), clamped.
    /// </summary>
    public static QuantParams FromRange(float min, float max)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        if (!(max - min > 1e-8f))
        {
            max = min + 1e-8f;
        }

        float scale = (max - min) / 255f;
        int zeroPoint = -128 - (int)Math.Round((double)(min / scale), MidpointRounding.ToEven);
        return new QuantParams(scale, Math.Clamp(zeroPoint, -128, 127));
    }
}

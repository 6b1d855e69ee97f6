using ModelCompiler.Format;

namespace ModelCompiler.Arithmetic;

/// <summary>Float/int8 conversions at tensor boundaries and the bounds of fused activations.</summary>
public static class Quantizer
{
    /// <summary>
    /// <c>clamp(roundHalfToEven(x / scale) + zp, -128, 127)</c>, the division in float32 (exactly what the QAT
    /// fake-quantizer computes with <c>torch.round(x / scale)</c>). NaN maps to -128.
    /// </summary>
    public static int Quantize(float x, QuantParams q)
    {
        float ratio = x / q.Scale;
        double rounded = Math.Round((double)ratio, MidpointRounding.ToEven) + q.ZeroPoint;
        return rounded >= 127 ? 127 : rounded > -128 ? (int)rounded : -128;
    }

    /// <summary><c>(q - zp) * scale</c> in float32.</summary>
    public static float Dequantize(int value, QuantParams q) => (value - q.ZeroPoint) * q.Scale;

    /// <summary>The int8 range a fused activation leaves: ReLU clamps at the zero point, ReLU6 also at quantize(6).</summary>
    public static (int Min, int Max) ActivationRange(Activation activation, QuantParams output) => activation switch
    {
        Activation.Relu => (Math.Max(-128, output.ZeroPoint), 127),
        Activation.Relu6 => (Math.Max(-128, output.ZeroPoint), Math.Min(127, Quantize(6f, output))),
        _ => (-128, 127),
    };

    /// <summary>Applies a fused activation to a float32 value.</summary>
    public static float Activate(float x, Activation activation) => activation switch
    {
        Activation.Relu => x > 0f ? x : 0f,
        Activation.Relu6 => x > 0f ? (x < 6f ? x : 6f) : 0f,
        _ => x,
    };

    /// <summary>
    /// Integer average of raw int8 values: <c>sum / count</c> rounded half away from zero (TFLite's rule for
    /// int8 average pooling). <paramref name="count"/> must be positive. The sum is 64-bit because a valid model's
    /// global pool can cover up to 2^26 cells, whose int8 sum (up to 2^33 in magnitude) does not fit an int32.
    /// </summary>
    public static int RoundedAverage(long sum, int count) =>
        (int)(sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);
}

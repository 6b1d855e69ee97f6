using ModelCompiler.Format;

namespace ModelCompiler.Arithmetic;

/// <summary>The scalar rules of <see cref="Quantizer"/> on the format's quantization parameters and activations.</summary>
public static partial class Quantizer
{
    /// <summary><see cref="Quantize(float, float, int)"/> with the tensor's scale and zero point.</summary>
    public static int Quantize(float x, QuantParams q) => Quantize(x, q.Scale, q.ZeroPoint);

    /// <summary><c>(q - zp) * scale</c> in float32.</summary>
    public static float Dequantize(int value, QuantParams q) => Dequantize(value, q.Scale, q.ZeroPoint);

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
        Activation.Relu => Relu(x),
        Activation.Relu6 => Relu6(x),
        _ => x,
    };
}

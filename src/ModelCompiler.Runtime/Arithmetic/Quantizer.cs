using System.Runtime.CompilerServices;

namespace ModelCompiler.Arithmetic;

/// <summary>
/// Float/int8 conversions at tensor boundaries, fused activations and the int8 average: the scalar rules on plain
/// numbers. The reference interpreter calls them (through the overloads on the format's <c>QuantParams</c>), and the generator
/// emits this file into every consuming assembly for the generated kernels to call, so both run one source.
/// </summary>
public static partial class Quantizer
{
    /// <summary>
    /// <c>clamp(roundHalfToEven(x / scale) + zp, -128, 127)</c>, the division in float32 (exactly what the QAT
    /// fake-quantizer computes with <c>torch.round(x / scale)</c>). NaN maps to -128.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Quantize(float x, float scale, int zeroPoint)
    {
        float ratio = x / scale;
        double rounded = Math.Round((double)ratio, MidpointRounding.ToEven) + zeroPoint;
        return rounded >= 127 ? 127 : rounded > -128 ? (int)rounded : -128;
    }

    /// <summary><c>(q - zp) * scale</c> in float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dequantize(int value, float scale, int zeroPoint) => (value - zeroPoint) * scale;

    /// <summary>ReLU on a float32 value; NaN becomes 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x > 0f ? x : 0f;

    /// <summary>ReLU6 on a float32 value; NaN becomes 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu6(float x) => x > 0f ? (x < 6f ? x : 6f) : 0f;

    /// <summary>
    /// Integer average of raw int8 values: <c>sum / count</c> rounded half away from zero (TFLite's rule for
    /// int8 average pooling). <paramref name="count"/> must be positive. The sum is 64-bit because a valid model's
    /// global pool can cover up to 2^26 cells, whose int8 sum (up to 2^33 in magnitude) does not fit an int32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundedAverage(long sum, int count) =>
        (int)(sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);

    /// <summary>
    /// Integer average of raw int8 values rounded half toward +infinity, <c>floor((sum + count / 2) / count)</c>: TFLite's
    /// uint8 average pool <c>(Σu + count / 2) / count</c> on <c>u = x + 128</c>, minus 128 (the 128s divide out exactly).
    /// Differs from <see cref="RoundedAverage"/> only at negative ties.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HalfUpAverage(long sum, int count)
    {
        long shifted = sum + count / 2;
        return (int)(shifted >= 0 ? shifted / count : (shifted - count + 1) / count);
    }
}

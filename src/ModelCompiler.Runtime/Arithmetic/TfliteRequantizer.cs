using System.Runtime.CompilerServices;

namespace ModelCompiler.Arithmetic;

/// <summary>
/// TensorFlow Lite's default requantization (its reference kernels without <c>TFLITE_SINGLE_ROUNDING</c>): gemmlowp's
/// <c>SaturatingRoundingDoublingHighMul</c> then <c>RoundingDivideByPOT</c>, which rounds twice. It is a second,
/// exactly specified rule next to <see cref="Requantizer"/> (one rounding) for models imported from TFLite, so they
/// compute what TFLite computes. docs/arithmetic.md ("TFLite's double rounding") specifies it with worked examples.
/// </summary>
public static class TfliteRequantizer
{
    /// <summary>
    /// gemmlowp's <c>SaturatingRoundingDoublingHighMul</c>: the high 32 bits of <c>2 * a * b</c>, i.e.
    /// <c>a * b / 2^31</c> rounded to the nearest integer with ties toward +infinity; the one product that does not fit,
    /// <c>int.MinValue * int.MinValue</c>, saturates to <c>int.MaxValue</c>.
    /// </summary>
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == int.MinValue && b == int.MinValue)
        {
            return int.MaxValue;
        }

        long product = (long)a * b;
        // The nudge and a division that truncates toward zero, as gemmlowp writes it (C++ '/' truncates like C#'s).
        long nudge = product >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((product + nudge) / (1L << 31));
    }

    /// <summary>
    /// gemmlowp's <c>RoundingDivideByPOT</c>: <c>x / 2^exponent</c> rounded to the nearest integer with ties away from
    /// zero, for <paramref name="exponent"/> in [0, 31].
    /// </summary>
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        if ((uint)exponent > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "the exponent must be in [0, 31]");
        }

        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>
    /// TFLite's <c>MultiplyByQuantizedMultiplier(int32 x, multiplier, shift)</c>, double-rounding build:
    /// <c>RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^max(shift, 0), multiplier), max(-shift, 0))</c>.
    /// The left shift wraps in 32 bits, as TFLite's <c>x * (1 &lt;&lt; left_shift)</c> does on the machines it runs on
    /// (its callers keep <c>x * 2^shift</c> within int32, where nothing wraps).
    /// </summary>
    public static int MultiplyByQuantizedMultiplier(int x, TfliteMultiplier multiplier)
    {
        int leftShift = multiplier.Shift > 0 ? multiplier.Shift : 0;
        int rightShift = multiplier.Shift > 0 ? 0 : -multiplier.Shift;
        int shifted = unchecked(x * (1 << leftShift));
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted, multiplier.Multiplier), rightShift);
    }

    /// <summary>
    /// The requantization of TFLite's int8/uint8 convolution, depthwise convolution and fully connected reference
    /// kernels: <c>clamp(MultiplyByQuantizedMultiplier(acc, multiplier) + zeroPoint, min, max)</c>.
    /// </summary>
    public static int Requantize(int accumulator, TfliteMultiplier multiplier, int zeroPoint, int min, int max)
    {
        long result = (long)MultiplyByQuantizedMultiplier(accumulator, multiplier) + zeroPoint;
        return result < min ? min : result > max ? max : (int)result;
    }

    /// <summary>
    /// TFLite's two roundings written as one, on the project's multiplier form (<see cref="QuantizedMultiplier"/>:
    /// <c>M ≈ multiplier * 2^-shift</c>, shift in [1, 62]), which is what lets a vector kernel apply TFLite's rule with
    /// the same 64-bit product, add and arithmetic shift as <see cref="Requantizer"/>'s: only the rounding term
    /// differs, <c>2^(shift-1) + 2^30</c> for a non-negative product and <c>2^(shift-1) - 2^30</c> for a negative one,
    /// when <c>shift &gt; 31</c> (TFLite shifts right after its first rounding), and <c>2^(shift-1)</c> otherwise
    /// (docs/arithmetic.md, "TFLite's rule as one rounding", has the proof). Equal to
    /// <see cref="MultiplyByQuantizedMultiplier"/> with the <see cref="TfliteMultiplier"/> of the same real for every
    /// accumulator TFLite keeps in range (<c>|acc * 2^left_shift| &lt; 2^31</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long RoundingTerm(long product, int shift) =>
        shift <= 31 ? 1L << (shift - 1) : (1L << (shift - 1)) + (product >= 0 ? 1L << 30 : -(1L << 30));

    /// <summary><c>value * M</c> with TFLite's two roundings, as one 64-bit rounding (<see cref="RoundingTerm"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Rescale(int value, int multiplier, int shift)
    {
        long product = (long)value * multiplier;
        return (int)((product + RoundingTerm(product, shift)) >> shift);
    }

    /// <summary>
    /// <see cref="Requantizer.Requantize(int, int, int, int, int, int)"/> with TFLite's rounding:
    /// <c>clamp(zp + Rescale(acc, multiplier, shift), min, max)</c>, kept in 64 bits up to the clamp like
    /// <see cref="Requantizer"/>'s (a product beyond int32, which TFLite's contract excludes, saturates instead of wrapping),
    /// so the generated kernels' 64-bit lanes compute exactly this for every accumulator.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Requantize(int accumulator, int multiplier, int shift, int zeroPoint, int min, int max)
    {
        long product = (long)accumulator * multiplier;
        long result = ((product + RoundingTerm(product, shift)) >> shift) + zeroPoint;
        return result < min ? min : result > max ? max : (int)result;
    }

    /// <summary>
    /// The multiplier of a per-channel (or int8 per-tensor) convolution, depthwise convolution or fully connected layer
    /// as TFLite's <c>PopulateConvolutionQuantizationParams</c> computes it: <c>(double)s_in * (double)s_w / (double)s_out</c>
    /// (the product of two float32 values is exact in double), then <see cref="TfliteMultiplier.FromReal"/>.
    /// </summary>
    public static TfliteMultiplier PerChannelMultiplier(float inputScale, float weightScale, float outputScale) =>
        TfliteMultiplier.FromReal((double)inputScale * weightScale / outputScale);

    /// <summary>
    /// The multiplier of TFLite's legacy per-tensor path (<c>GetQuantizedConvolutionMultipler</c>, used by uint8
    /// convolutions and by per-tensor fully connected layers): the product <c>s_in * s_w</c> is rounded to float32
    /// first, then divided in double. It can differ from <see cref="PerChannelMultiplier"/> in the last bit.
    /// </summary>
    public static TfliteMultiplier LegacyMultiplier(float inputScale, float weightScale, float outputScale)
    {
        float product = inputScale * weightScale;
        return TfliteMultiplier.FromReal((double)product / outputScale);
    }
}

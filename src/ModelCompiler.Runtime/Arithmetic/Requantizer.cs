using System.Runtime.CompilerServices;

namespace ModelCompiler.Arithmetic;

/// <summary>
/// The project's one requantization rule (single rounding, as TFLite's <c>TFLITE_SINGLE_ROUNDING</c>):
/// <c>y = clamp(zp + ((acc * M + 2^(s-1)) >> s), min, max)</c> in 64-bit integers, i.e. acc * M * 2^-s rounded
/// to the nearest integer with ties toward +infinity. The reference interpreter calls it, and the generator emits this
/// file into every consuming assembly, where the generated kernels call it: there is no second copy of the rule.
/// </summary>
public static class Requantizer
{
    /// <summary>Scales an int32 accumulator to the output's int8 scale, adds its zero point and clamps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Requantize(int accumulator, QuantizedMultiplier multiplier, int zeroPoint, int min, int max) =>
        Requantize(accumulator, multiplier.Multiplier, multiplier.Shift, zeroPoint, min, max);

    /// <summary>The rule on the multiplier's two parts (the form generated kernels call with per-channel tables).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Requantize(int accumulator, int multiplier, int shift, int zeroPoint, int min, int max)
    {
        long product = (long)accumulator * multiplier;
        long scaled = (product + (1L << (shift - 1))) >> shift;
        long result = scaled + zeroPoint;
        return result < min ? min : result > max ? max : (int)result;
    }

    /// <summary>
    /// <c>value * M</c> rounded once, to the nearest integer with ties toward +infinity: the rule above without zero point
    /// or clamp, which is how an int8 addition rescales its inputs to their common scale (docs/arithmetic.md, "Addition").
    /// The caller keeps <c>|value * M|</c> below 2^31; the addition's input multipliers are at most 1/2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Rescale(int value, QuantizedMultiplier multiplier) => Rescale(value, multiplier.Multiplier, multiplier.Shift);

    /// <summary>The rescaling on the multiplier's two parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Rescale(int value, int multiplier, int shift)
    {
        long product = (long)value * multiplier;
        return (int)((product + (1L << (shift - 1))) >> shift);
    }

    /// <summary>
    /// The multiplier that takes an accumulator at scale <c>inputScale * weightScale</c> to <c>outputScale</c>,
    /// computed in double from the float32 scales so every component gets the same bits.
    /// </summary>
    public static QuantizedMultiplier MultiplierFor(float inputScale, float weightScale, float outputScale) =>
        QuantizedMultiplier.FromReal((double)inputScale * weightScale / outputScale);
}

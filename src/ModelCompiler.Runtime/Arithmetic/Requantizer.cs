namespace ModelCompiler.Arithmetic;

/// <summary>
/// The project's one requantization rule (single rounding, as TFLite's <c>TFLITE_SINGLE_ROUNDING</c>):
/// <c>y = clamp(zp + ((acc * M + 2^(s-1)) >> s), min, max)</c> in 64-bit integers, i.e. acc * M * 2^-s rounded
/// to the nearest integer with ties toward +infinity. Generated kernels must compute exactly this.
/// </summary>
public static class Requantizer
{
    /// <summary>Scales an int32 accumulator to the output's int8 scale, adds its zero point and clamps.</summary>
    public static int Requantize(int accumulator, QuantizedMultiplier multiplier, int zeroPoint, int min, int max)
    {
        long product = (long)accumulator * multiplier.Multiplier;
        long scaled = (product + (1L << (multiplier.Shift - 1))) >> multiplier.Shift;
        long result = scaled + zeroPoint;
        return result < min ? min : result > max ? max : (int)result;
    }

    /// <summary>
    /// <c>value * M</c> rounded once, to the nearest integer with ties toward +infinity (the rule of
    /// <see cref="Requantize(int, QuantizedMultiplier, int, int, int)"/> without zero point or clamp): how an addition
    /// rescales its inputs to their common scale (<see cref="Int8Addition"/>). The caller keeps <c>|value * M|</c> below
    /// 2^31; the addition's multipliers are at most 1/2.
    /// </summary>
    public static int Rescale(int value, QuantizedMultiplier multiplier)
    {
        long product = (long)value * multiplier.Multiplier;
        return (int)((product + (1L << (multiplier.Shift - 1))) >> multiplier.Shift);
    }

    /// <summary>
    /// The multiplier that takes an accumulator at scale <c>inputScale * weightScale</c> to <c>outputScale</c>,
    /// computed in double from the float32 scales so every component gets the same bits.
    /// </summary>
    public static QuantizedMultiplier MultiplierFor(float inputScale, float weightScale, float outputScale) =>
        QuantizedMultiplier.FromReal((double)inputScale * weightScale / outputScale);
}

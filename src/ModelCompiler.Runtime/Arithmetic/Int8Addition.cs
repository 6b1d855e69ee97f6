namespace ModelCompiler.Arithmetic;

/// <summary>
/// The three multipliers of an int8 addition (<see cref="Int8Addition"/>): each input's to the common scale, and the
/// sum's to the output scale.
/// </summary>
public readonly record struct AdditionMultipliers(QuantizedMultiplier First, QuantizedMultiplier Second, QuantizedMultiplier Output);

/// <summary>
/// Element-wise addition of two int8 tensors with their own scales and zero points, as TFLite's ADD computes it
/// (<c>reference_integer_ops::Add</c>): both inputs, less their zero points and shifted left by
/// <see cref="LeftShift"/> bits, are rescaled to the common scale <c>2 * max(s1, s2) / 2^20</c>, added, and the sum is
/// requantized to the output scale, then the output zero point and the activation clamp. Every rescaling rounds once
/// with the project's rule (<see cref="Requantizer"/>), where TFLite's default build rounds twice in each;
/// docs/arithmetic.md ("Addition") has the recipe and worked examples.
/// </summary>
public static class Int8Addition
{
    /// <summary>TFLite's <c>left_shift</c> for 8-bit inputs: 20 fractional bits keep the rescaled inputs exact to 2^-20 of a step.</summary>
    public const int LeftShift = 20;

    /// <summary>
    /// The real multipliers, in double from the float32 scales as TFLite's <c>Prepare</c> computes them:
    /// <c>s1 / (2 max)</c>, <c>s2 / (2 max)</c> (each at most 1/2) and <c>2 max / (2^20 * s_out)</c>.
    /// </summary>
    public static (double First, double Second, double Output) RealMultipliers(float firstScale, float secondScale, float outputScale)
    {
        double twiceMax = 2.0 * Math.Max(firstScale, secondScale);
        return (firstScale / twiceMax, secondScale / twiceMax, twiceMax / ((1 << LeftShift) * (double)outputScale));
    }

    /// <summary>The multipliers of <see cref="RealMultipliers"/> as 31-bit fixed-point numbers (<see cref="QuantizedMultiplier.FromReal"/>).</summary>
    public static AdditionMultipliers MultipliersFor(float firstScale, float secondScale, float outputScale)
    {
        var (first, second, output) = RealMultipliers(firstScale, secondScale, outputScale);
        return new AdditionMultipliers(QuantizedMultiplier.FromReal(first), QuantizedMultiplier.FromReal(second), QuantizedMultiplier.FromReal(output));
    }

    /// <summary>
    /// <c>clamp(zp_out + R((R((q1 - zp1) * 2^20, M1) + R((q2 - zp2) * 2^20, M2)), M_out), min, max)</c>, where R is one
    /// rounding (<see cref="Requantizer.Rescale(int, QuantizedMultiplier)"/>, and <see cref="Requantizer.Requantize(int, QuantizedMultiplier, int, int, int)"/>
    /// for the last). |q - zp| &lt;= 255, so every intermediate value fits in 29 bits.
    /// </summary>
    public static int Add(
        int first, int firstZeroPoint, int second, int secondZeroPoint, AdditionMultipliers multipliers, int outputZeroPoint, int min, int max)
    {
        int a = Requantizer.Rescale((first - firstZeroPoint) * (1 << LeftShift), multipliers.First);
        int b = Requantizer.Rescale((second - secondZeroPoint) * (1 << LeftShift), multipliers.Second);
        return Requantizer.Requantize(a + b, multipliers.Output, outputZeroPoint, min, max);
    }
}

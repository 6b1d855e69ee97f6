namespace ModelCompiler.Arithmetic;

/// <summary>
/// TFLite's int8 ADD with its default (double) rounding, for models imported from TFLite. Kept apart from
/// <see cref="Int8Addition"/> because that file is compiled into every generated model's kernels and this rule is not
/// used by generated code yet.
/// </summary>
public static class TfliteAddition
{
    /// <summary>
    /// <see cref="Int8Addition.Add"/> with TFLite's default rounding (<c>reference_integer_ops::Add</c> without
    /// <c>TFLITE_SINGLE_ROUNDING</c>): the same three steps, each rounded as TFLite's
    /// <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c> does (<see cref="TfliteRequantizer.Rescale"/>).
    /// </summary>
    public static int Add(
        int first, int firstZeroPoint, int second, int secondZeroPoint, AdditionMultipliers multipliers, int outputZeroPoint, int min, int max)
    {
        int a = TfliteRequantizer.Rescale((first - firstZeroPoint) * (1 << Int8Addition.LeftShift), multipliers.First.Multiplier, multipliers.First.Shift);
        int b = TfliteRequantizer.Rescale((second - secondZeroPoint) * (1 << Int8Addition.LeftShift), multipliers.Second.Multiplier, multipliers.Second.Shift);
        return TfliteRequantizer.Requantize(a + b, multipliers.Output.Multiplier, multipliers.Output.Shift, outputZeroPoint, min, max);
    }
}

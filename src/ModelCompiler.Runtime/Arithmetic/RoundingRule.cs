using ModelCompiler.Format;

namespace ModelCompiler.Arithmetic;

/// <summary>
/// A model's requantization rule (<see cref="Rounding"/>, the <c>.qmodel</c> header's <c>rounding</c> field) applied
/// the way the reference interpreter and the generator's planner need it: which multiplier a layer uses and which
/// rounding its output stage and additions apply (docs/arithmetic.md, "The rounding option").
/// </summary>
public static class RoundingRule
{
    /// <summary>
    /// The multiplier of an int8 convolution, depthwise convolution or dense layer's channel. Single rounding and
    /// TFLite's per-channel kernels compute <c>(double)s_in * s_w / s_out</c> (<see cref="Requantizer.MultiplierFor"/>);
    /// with TFLite's rule a dense layer whose weight scales are all equal is TFLite's per-tensor fully connected layer,
    /// whose multiplier rounds the product <c>s_in * s_w</c> to float32 first (<c>GetQuantizedConvolutionMultipler</c>,
    /// <see cref="TfliteRequantizer.LegacyMultiplier"/>); both then the same 31-bit rounding (<see cref="QuantizedMultiplier.FromReal"/>).
    /// </summary>
    public static QuantizedMultiplier MultiplierFor(Rounding rounding, bool perTensorDense, float inputScale, float weightScale, float outputScale)
    {
        if (rounding == Rounding.Tflite && perTensorDense)
        {
            float product = inputScale * weightScale;
            return QuantizedMultiplier.FromReal((double)product / outputScale);
        }

        return Requantizer.MultiplierFor(inputScale, weightScale, outputScale);
    }

    /// <summary>True when a dense layer's weight scales are one per-tensor scale (TFLite's per-tensor fully connected).</summary>
    public static bool IsPerTensor(IReadOnlyList<float> weightScales)
    {
        for (int c = 1; c < weightScales.Count; c++)
        {
            if (weightScales[c].CompareTo(weightScales[0]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><see cref="Requantizer.Requantize(int, int, int, int, int, int)"/> or <see cref="TfliteRequantizer.Requantize(int, int, int, int, int, int)"/>.</summary>
    public static int Requantize(Rounding rounding, int accumulator, QuantizedMultiplier multiplier, int zeroPoint, int min, int max) =>
        rounding == Rounding.Tflite
            ? TfliteRequantizer.Requantize(accumulator, multiplier.Multiplier, multiplier.Shift, zeroPoint, min, max)
            : Requantizer.Requantize(accumulator, multiplier.Multiplier, multiplier.Shift, zeroPoint, min, max);

    /// <summary><see cref="Int8Addition.Add"/> or <see cref="TfliteAddition.Add"/>: the same multipliers, the rule's rounding.</summary>
    public static int Add(
        Rounding rounding, int first, int firstZeroPoint, int second, int secondZeroPoint, AdditionMultipliers multipliers, int outputZeroPoint, int min, int max) =>
        rounding == Rounding.Tflite
            ? TfliteAddition.Add(first, firstZeroPoint, second, secondZeroPoint, multipliers, outputZeroPoint, min, max)
            : Int8Addition.Add(first, firstZeroPoint, second, secondZeroPoint, multipliers, outputZeroPoint, min, max);
}

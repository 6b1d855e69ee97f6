using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// How an int8 Conv2D or Dense turns its int32 accumulators into int8: one multiplier per output channel
/// (s_in * s_w[c] / s_out), the output zero point, and the clamp of the fused activation, with the model's rounding
/// rule (<see cref="RoundingRule"/>).
/// </summary>
internal sealed class Int8OutputStage
{
    private readonly QuantizedMultiplier[] _multipliers;
    private readonly int _zeroPoint;
    private readonly int _min;
    private readonly int _max;
    private readonly Rounding _rounding;

    public Int8OutputStage(QuantParams input, float[] weightScales, QuantParams output, Activation activation, Rounding rounding, bool isDense)
    {
        _rounding = rounding;
        bool perTensorDense = isDense && RoundingRule.IsPerTensor(weightScales);
        _multipliers = new QuantizedMultiplier[weightScales.Length];
        for (int c = 0; c < weightScales.Length; c++)
        {
            _multipliers[c] = RoundingRule.MultiplierFor(rounding, perTensorDense, input.Scale, weightScales[c], output.Scale);
        }

        _zeroPoint = output.ZeroPoint;
        (_min, _max) = Quantizer.ActivationRange(activation, output);
    }

    public sbyte Requantize(int accumulator, int channel) =>
        (sbyte)RoundingRule.Requantize(_rounding, accumulator, _multipliers[channel], _zeroPoint, _min, _max);
}

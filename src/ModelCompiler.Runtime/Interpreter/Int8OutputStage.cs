using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// How an int8 Conv2D or Dense turns its int32 accumulators into int8: one multiplier per output channel
/// (s_in * s_w[c] / s_out), the output zero point, and the clamp of the fused activation.
/// </summary>
internal sealed class Int8OutputStage
{
    private readonly QuantizedMultiplier[] multipliers;
    private readonly int zeroPoint;
    private readonly int min;
    private readonly int max;

    public Int8OutputStage(QuantParams input, float[] weightScales, QuantParams output, Activation activation)
    {
        multipliers = new QuantizedMultiplier[weightScales.Length];
        for (int c = 0; c < weightScales.Length; c++)
        {
            multipliers[c] = Requantizer.MultiplierFor(input.Scale, weightScales[c], output.Scale);
        }

        zeroPoint = output.ZeroPoint;
        (min, max) = Quantizer.ActivationRange(activation, output);
    }

    public sbyte Requantize(int accumulator, int channel) =>
        (sbyte)Requantizer.Requantize(accumulator, multipliers[channel], zeroPoint, min, max);
}

using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// The worked example of docs/arithmetic.md ("TFLite's double rounding") as a model: input q = [25, -7, 100] (zero point
/// -3, scale 0.02), weights [40, -127, 9] (scale 0.005) in every output channel, output scale 0.1 and zero point -3, and
/// one bias per channel chosen so that the channel's accumulator is one of <see cref="Cases"/>.
/// </summary>
public static class TfliteRoundingModels
{
    /// <summary>
    /// (accumulator, output with one rounding, output with TFLite's rounding), computed by hand in docs/arithmetic.md:
    /// acc * M with M ≈ 0.001 is 0.49999997 (0 once; 256 / 2^9 = 0.5 -> 1 in TFLite), -0.49999997 (0; -1), -1.49999991
    /// (-1; -2), 2.49999985 (2; 3) and 2.05499988 (2 in both); the output adds the zero point -3.
    /// </summary>
    public static readonly (int Accumulator, sbyte Single, sbyte Tflite)[] Cases =
        [(500, -3, -2), (-500, -3, -4), (-1500, -4, -5), (2500, -1, 0), (2055, -1, -1)];

    /// <summary>The input that quantizes to q = [25, -7, 100] (real values 28, -4 and 103 steps above the zero point).</summary>
    public static float[] Input => [28 * 0.02f, -4 * 0.02f, 103 * 0.02f];

    /// <summary>An int8 1x1 convolution (then a flatten) or a dense layer (after a flatten) with one output channel per case.</summary>
    public static QModel Create(bool convolution, Rounding rounding)
    {
        int channels = Cases.Length;
        var values = Enumerable.Range(0, channels).SelectMany(_ => new sbyte[] { 40, -127, 9 }).ToArray();
        // (25 + 3) * 40 + (-7 + 3) * (-127) + (100 + 3) * 9 = 2555, so bias = acc - 2555.
        var weights = new Int8Weights(values, Enumerable.Repeat(0.005f, channels).ToArray(), Cases.Select(c => c.Accumulator - 2555).ToArray());
        var output = new QuantParams(0.1f, -3);
        Layer[] layers = convolution
            ? [new Conv2DLayer("conv", channels, 1, 1, 1, 1, Padding.Valid, Activation.None, weights, output), new FlattenLayer("flat", FlattenOrder.Hwc)]
            : [new FlattenLayer("flat", FlattenOrder.Hwc), new DenseLayer("dense", channels, Activation.None, weights, output)];
        var model = HandModels.Create(TensorShape.Image(1, 1, 3), new QuantParams(0.02f, -3), channels, layers);
        return new QModel("WorkedExample", model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant, model.Labels, model.Provenance, model.Layers)
        {
            Rounding = rounding,
        };
    }
}

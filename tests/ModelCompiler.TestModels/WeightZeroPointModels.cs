using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// Models with a weight zero point (the format's <c>weight_zero_point</c>, TFLite's legacy uint8 scheme): a hand-computed
/// example for each weighted op, and any model's int8 weighted layers given zero points.
/// </summary>
public static class WeightZeroPointModels
{
    /// <summary>Stored weights [-128, 127, 0] with zero point -100: w - zw = [-28, 227, 100] (-128 is allowed here).</summary>
    public static readonly sbyte[] Weights = [-128, 127, 0];

    public const int WeightZeroPoint = -100;

    /// <summary>
    /// The input q = [25, -7, 100] at zero point -3 (x - zx = [28, -4, 103]), scale 0.02; weight scale 0.005, output scale
    /// 0.1 and zero point -3, so M = 0.001. Convolution and dense, one filter/unit per bias: acc = 28·(-28) + (-4)·227 +
    /// 103·100 + bias = 8608 + bias; bias 0 gives 8.608 → 9 → 6, bias -13608 gives -5 → -8, bias -8008 gives 0.6 → 1 → -2.
    /// Depthwise (1x1, per channel): -784 → -1 → -4, -908 → -1 → -4, 10300 → 10 → 7.
    /// </summary>
    public static readonly int[] Biases = [0, -13608, -8008];

    public static readonly sbyte[] ConvolutionOutputs = [6, -8, -2];

    public static readonly sbyte[] DepthwiseOutputs = [-4, -4, 7];

    /// <summary>The real input that quantizes to q = [25, -7, 100].</summary>
    public static float[] Input => [28 * 0.02f, -4 * 0.02f, 103 * 0.02f];

    /// <summary>"conv", "dense" or "depthwise": the hand-computed example as a model (then a flatten where needed).</summary>
    public static QModel Create(string op)
    {
        var output = new QuantParams(0.1f, -3);
        var scales = Enumerable.Repeat(0.005f, 3).ToArray();
        Layer[] layers = op switch
        {
            "conv" => [new Conv2DLayer("conv", 3, 1, 1, 1, 1, Padding.Valid, Activation.None, new Int8Weights(Repeat(3), scales, Biases, Int8Weights.FullBits, WeightZeroPoint), output), new FlattenLayer("flat", FlattenOrder.Hwc)],
            "dense" => [new FlattenLayer("flat", FlattenOrder.Hwc), new DenseLayer("dense", 3, Activation.None, new Int8Weights(Repeat(3), scales, Biases, Int8Weights.FullBits, WeightZeroPoint), output)],
            _ => [new DepthwiseConv2DLayer("dw", 1, 1, 1, 1, Padding.Valid, Activation.None, new Int8Weights(Weights, scales, new int[3], Int8Weights.FullBits, WeightZeroPoint), output), new FlattenLayer("flat", FlattenOrder.Hwc)],
        };
        return HandModels.Create(TensorShape.Image(1, 1, 3), new QuantParams(0.02f, -3), 3, layers);
    }

    /// <summary>
    /// <paramref name="model"/> with a weight zero point zw in [-100, 100] on every int8 convolution, depthwise
    /// convolution and dense layer, and weights w + zw (clamped to int8) so that w − zw stays close to the original
    /// weights and the outputs stay spread out; clamped weights and -128 occur.
    /// </summary>
    public static QModel WithWeightZeroPoints(QModel model, int seed)
    {
        var random = new Random(seed);
        var layers = model.Layers.Select(layer => layer is WeightedLayer { Weights: Int8Weights w } weighted ? Shifted(weighted, w, random) : layer).ToArray();
        return new QModel(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant, model.Labels, model.Provenance, layers) { Rounding = model.Rounding };
    }

    private static Layer Shifted(WeightedLayer layer, Int8Weights w, Random random)
    {
        int zeroPoint = random.Next(-100, 101);
        if (zeroPoint == 0)
        {
            zeroPoint = 1;
        }

        var values = w.Values.Select(v => (sbyte)Math.Clamp(v + zeroPoint, -128, 127)).ToArray();
        var weights = new Int8Weights(values, w.Scales, w.Bias, Int8Weights.FullBits, zeroPoint);
        return layer switch
        {
            Conv2DLayer c => new Conv2DLayer(c.Name, c.Filters, c.KernelHeight, c.KernelWidth, c.StrideHeight, c.StrideWidth, c.Padding, c.Activation, weights, c.OutputQuant) { Inputs = c.Inputs },
            DepthwiseConv2DLayer d => new DepthwiseConv2DLayer(d.Name, d.KernelHeight, d.KernelWidth, d.StrideHeight, d.StrideWidth, d.Padding, d.Activation, weights, d.OutputQuant) { Inputs = d.Inputs },
            DenseLayer d => new DenseLayer(d.Name, d.Units, d.Activation, weights, d.OutputQuant) { Inputs = d.Inputs },
            _ => throw new ArgumentException($"no zero point for {layer.GetType().Name}"),
        };
    }

    private static sbyte[] Repeat(int count) => Enumerable.Range(0, count).SelectMany(_ => Weights).ToArray();
}

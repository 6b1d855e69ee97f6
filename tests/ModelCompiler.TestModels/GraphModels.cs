using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// Version 2 graphs for the generator's tests, each from a seed: MobileNet-style inverted-residual blocks (1x1 expand,
/// depthwise 3x3, 1x1 project, add of the block's input) and random graphs of depthwise convolutions (strides 1 and 2,
/// same and valid padding, odd channel counts), pointwise convolutions, additions of two branches of one tensor, with
/// ReLU6 fused anywhere. Int8 throughout (<see cref="WeightScheme.Spread"/>); <see cref="SevenBitWeights"/> puts every
/// convolution on the generator's register-blocked kernel.
/// </summary>
public sealed class GraphModels(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Int8 weights in [-63, 63]: the format's 7-bit weights.</summary>
    public bool SevenBitWeights { get; init; }

    /// <summary>
    /// 10x11x3: a stem conv (odd filter count), an inverted residual block whose input (the stem's output) is read
    /// twice, by its expansion and by the final addition, then a stride-2 block without a skip, a global pool, a dense.
    /// </summary>
    public QModel InvertedResidual()
    {
        var b = Builder(TensorShape.Image(10, 11, 3));
        string stem = b.Conv(ModelGraph.InputName, 11, 3, 1, Padding.Same, Activation.Relu6);
        string expand = b.Conv(stem, 24, 1, 1, Padding.Valid, Activation.Relu6);
        string dw = b.Depthwise(expand, 3, 1, Padding.Same, Activation.Relu6);
        string project = b.Conv(dw, 11, 1, 1, Padding.Valid, Activation.None);
        string residual = b.Sum(project, stem, Activation.None, 1.3);
        string expand2 = b.Conv(residual, 33, 1, 1, Padding.Valid, Activation.Relu6);
        string dw2 = b.Depthwise(expand2, 3, 2, Padding.Same, Activation.Relu6);
        string project2 = b.Conv(dw2, 16, 1, 1, Padding.Valid, Activation.None);
        string pool = b.GlobalAveragePool(project2);
        b.Dense(pool, 5, Activation.None);
        return b.Build("InvertedResidual" + (SevenBitWeights ? "7" : "8"), TestModels.Labels(5));
    }

    /// <summary>
    /// 10x14x3 through 3x3 depthwise convolutions of the shapes AVX2's byte-quad kernel takes and of its edges: 16
    /// channels of stride 1 at an even width (pixel pairs), with padding and without, 64 channels of stride 2, 32 of
    /// stride 1, 48 (not a multiple of 32), 32 of stride 1 down and 2 across, and 16 at an odd width; ReLU6 or none.
    /// </summary>
    public QModel ThreeByThreeDepthwise()
    {
        // Weights quantized as a trained network's, so that the signal survives the eleven layers.
        var b = new GraphModelBuilder(_random, TensorShape.Image(10, 14, 3), WeightScheme.Trained) { WeightLimit = SevenBitWeights ? 63 : 127 };
        string x = b.Conv(ModelGraph.InputName, 16, 3, 1, Padding.Same, Activation.Relu6);
        x = b.Depthwise(x, 3, 1, Padding.Same, Activation.Relu6);
        x = b.Depthwise(x, 3, 1, Padding.Valid, Activation.None);
        x = b.Depthwise(b.Conv(x, 64, 1, 1, Padding.Valid, Activation.Relu6), 3, 2, Padding.Same, Activation.Relu6);
        x = b.Depthwise(b.Conv(x, 32, 1, 1, Padding.Valid, Activation.Relu6), 3, 1, Padding.Same, Activation.None);
        x = b.Depthwise(b.Conv(x, 48, 1, 1, Padding.Valid, Activation.Relu6), 3, 1, Padding.Same, Activation.Relu6);
        x = b.Depthwise(b.Conv(x, 32, 1, 1, Padding.Valid, Activation.Relu6), 3, 1, Padding.Same, Activation.Relu6, strideWidth: 2);
        x = b.Depthwise(b.Conv(x, 16, 1, 1, Padding.Valid, Activation.Relu6), 3, 1, Padding.Same, Activation.None);
        b.Dense(b.GlobalAveragePool(x), 4, Activation.None);
        return b.Build("ThreeByThreeDepthwise" + (SevenBitWeights ? "7" : "8"), TestModels.Labels(4));
    }

    /// <summary>
    /// 3x3 depthwise convolutions with 8-bit weights over inputs large enough that AVX2's word-pair kernel takes them in
    /// bands of rows (more than 128 KB of input rows), MobileNetV2's channel counts (48, 96 at stride 2, 144 = nine
    /// blocks of 16) and odd output widths (a last window alone).
    /// </summary>
    public QModel LargeEightBitDepthwise()
    {
        var b = new GraphModelBuilder(_random, TensorShape.Image(80, 41, 3), WeightScheme.Trained) { WeightLimit = 127 };
        string x = b.Conv(ModelGraph.InputName, 48, 3, 1, Padding.Same, Activation.Relu6);
        x = b.Depthwise(x, 3, 1, Padding.Same, Activation.Relu6);
        x = b.Depthwise(b.Conv(x, 96, 1, 1, Padding.Valid, Activation.Relu6), 3, 2, Padding.Same, Activation.Relu6);
        x = b.Depthwise(b.Conv(x, 144, 1, 1, Padding.Valid, Activation.Relu6), 3, 1, Padding.Same, Activation.None);
        b.Dense(b.GlobalAveragePool(x), 4, Activation.None);
        return b.Build("LargeEightBitDepthwise", TestModels.Labels(4));
    }

    /// <summary>
    /// The trainer's intel-mobilenet at width 1 (BuiltInModels.IntelMobileNet: 100x100x3, stem 16 stride 2, blocks
    /// (expansion, channels, stride) (1,16,1) (4,24,2) (4,24,1) (4,40,2) (4,40,1) (4,80,2) (4,80,1), head 256, global
    /// pool, 6 logits), with random 7-bit weights quantized as a trained network's (<see cref="WeightScheme.Trained"/>):
    /// the benchmark's stand-in until a trained file exists. Same layers and shapes, so the same work for every engine.
    /// </summary>
    public QModel IntelMobileNetLike(string name)
    {
        var b = new GraphModelBuilder(_random, TensorShape.Image(100, 100, 3), WeightScheme.Trained) { WeightLimit = 63 };
        string x = b.Conv(ModelGraph.InputName, 16, 3, 2, Padding.Same, Activation.Relu6);
        foreach (var (expansion, channels, stride) in new[] { (1, 16, 1), (4, 24, 2), (4, 24, 1), (4, 40, 2), (4, 40, 1), (4, 80, 2), (4, 80, 1) })
        {
            int inputChannels = b[x].Shape.Channels;
            string expanded = expansion == 1 ? x : b.Conv(x, inputChannels * expansion, 1, 1, Padding.Same, Activation.Relu6);
            string dw = b.Depthwise(expanded, 3, stride, Padding.Same, Activation.Relu6);
            string project = b.Conv(dw, channels, 1, 1, Padding.Same, Activation.None);
            x = stride == 1 && channels == inputChannels ? b.Sum(x, project, Activation.None, 1.5) : project;
        }

        string head = b.Conv(x, 256, 1, 1, Padding.Same, Activation.Relu6);
        b.Dense(b.GlobalAveragePool(head), 6, Activation.None);
        return b.Build(name, TestModels.SixLabels);
    }

    /// <summary>
    /// A float32 addition inside an int8 model: two branches of a stem convolution (the stem and a pointwise
    /// convolution of it), each dequantized, added in float32 with <paramref name="activation"/>, quantized back.
    /// </summary>
    public QModel FloatAddition(Activation activation)
    {
        var b = Builder(TensorShape.Image(9, 8, 3));
        string stem = b.Conv(ModelGraph.InputName, 7, 3, 1, Padding.Same, Activation.Relu6);
        string pointwise = b.Conv(stem, 7, 1, 1, Padding.Valid, Activation.None);
        string sum = b.FloatSum(b.Dequantize(pointwise), b.Dequantize(stem), activation);
        string pool = b.GlobalAveragePool(b.Quantize(sum));
        b.Dense(pool, 4, Activation.None);
        return b.Build("FloatAddition" + (int)activation, TestModels.Labels(4));
    }

    /// <summary>A random graph of 2 to 4 blocks (see the class summary), then a global pool or a flatten and one or two dense layers.</summary>
    public QModel Random(string name)
    {
        var b = Builder(TensorShape.Image(_random.Next(5, 15), _random.Next(5, 15), _random.Next(1, 6)));
        string x = ModelGraph.InputName;
        int blocks = _random.Next(2, 5);
        for (int i = 0; i < blocks; i++)
        {
            var shape = b[x].Shape;
            switch (_random.Next(5))
            {
                case 0:
                    x = RandomDepthwise(b, x);
                    break;

                case 1:
                {
                    // Inverted residual: the block's input feeds the expansion and the addition.
                    string expand = b.Conv(x, _random.Next(1, 41), 1, 1, Padding.Valid, Activation.Relu6);
                    string dw = b.Depthwise(expand, _random.Next(1, 4), 1, Padding.Same, RandomActivation());
                    string project = b.Conv(dw, shape.Channels, 1, 1, Padding.Valid, RandomActivation());
                    x = _random.Next(2) == 0
                        ? b.Sum(project, x, RandomActivation(), ScaleFactor())
                        : b.Sum(x, project, RandomActivation(), ScaleFactor());
                    break;
                }

                case 2:
                {
                    // Two branches of one tensor added: depthwise (same, stride 1) and pointwise to the same channel count.
                    string dw = b.Depthwise(x, _random.Next(1, 4), 1, Padding.Same, RandomActivation());
                    string pointwise = b.Conv(x, shape.Channels, 1, 1, Padding.Valid, RandomActivation());
                    x = b.Sum(dw, pointwise, RandomActivation(), ScaleFactor());
                    break;
                }

                case 3:
                    x = b.Conv(x, _random.Next(2, 41), 1, 1, Padding.Valid, RandomActivation());
                    break;

                default:
                    // A tensor added to itself: one reader naming it twice (an output scale of at least twice the input's
                    // keeps the sum from saturating everywhere).
                    x = b.Sum(x, x, RandomActivation(), 2 + _random.NextDouble());
                    break;
            }

            if (_random.Next(4) == 0 && b[x].Shape.Height >= 2 && b[x].Shape.Width >= 2)
            {
                x = b.MaxPool(b.Conv(x, _random.Next(2, 20), 1, 1, Padding.Valid, RandomActivation()), 2, 2, Padding.Valid);
            }
        }

        x = _random.Next(2) == 0 ? b.GlobalAveragePool(x) : b.Flatten(x, _random.Next(2) == 0 ? FlattenOrder.Hwc : FlattenOrder.Chw);
        if (_random.Next(2) == 0)
        {
            x = b.Dense(x, _random.Next(3, 30), RandomActivation());
        }

        int classes = _random.Next(2, 9);
        b.Dense(x, classes, Activation.None);
        return b.Build(name, TestModels.Labels(classes));
    }

    /// <summary>
    /// 7x9x3: a convolution to 37 channels (two 16-channel vector blocks and a scalar tail), then an int8 global average
    /// pool that rescales to its own quantization (TFLite's integer MEAN) with <paramref name="rounding"/>, then a dense.
    /// </summary>
    public QModel RescalingMean(Rounding rounding)
    {
        var b = Builder(TensorShape.Image(7, 9, 3));
        string conv = b.Conv(ModelGraph.InputName, 37, 3, 1, Padding.Same, Activation.Relu6);
        var input = b[conv].Quant!.Value;
        string mean = b.RescalingMean(conv, new QuantParams(input.Scale * 0.8f, Math.Min(127, input.ZeroPoint + 3)), rounding);
        b.Dense(mean, 5, Activation.None);
        return b.Build("RescalingMean" + rounding, TestModels.Labels(5));
    }

    /// <summary>A depthwise convolution: kernel 1 to 4, strides 1 or 2 (each axis), same or valid (valid only where the kernel fits).</summary>
    private string RandomDepthwise(GraphModelBuilder b, string x)
    {
        var shape = b[x].Shape;
        var padding = _random.Next(2) == 0 ? Padding.Same : Padding.Valid;
        int kernel = _random.Next(1, 5);
        if (padding == Padding.Valid)
        {
            kernel = Math.Min(kernel, Math.Min(shape.Height, shape.Width));
        }

        return b.Depthwise(x, kernel, _random.Next(1, 3), padding, RandomActivation(), strideWidth: _random.Next(1, 3));
    }

    private GraphModelBuilder Builder(TensorShape input) => new(_random, input) { WeightLimit = SevenBitWeights ? 63 : 127 };

    /// <summary>Output scale over the larger input scale: below and above 1.</summary>
    private double ScaleFactor() => _random.Next(2) == 0 ? 0.6 + _random.NextDouble() * 0.4 : 1 + _random.NextDouble() * 1.5;

    private Activation RandomActivation() => (Activation)_random.Next(3);
}

using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// The named architectures (the samples' fashion-cnn and the seed's intel-cnn, the ONNX exporter's small CNN) and the
/// random families of the tests, each from a seed. Unless a method says otherwise, int8 layers use
/// <see cref="WeightScheme.Spread"/>: output scales follow the accumulators' spread so that outputs land inside the
/// int8 range (a test whose outputs all saturate would prove little).
/// </summary>
public sealed class TestModels(int seed)
{
    private readonly Random _random = new(seed);
    private int _counter;

    /// <summary>
    /// Int8 weights in [-63, 63] (a tenth at the limits) instead of [-127, 127]: the format's 7-bit weights, which the
    /// generator runs on its register-blocked u8 x s8 convolution.
    /// </summary>
    public bool SevenBitWeights { get; init; }

    /// <summary>How the random int8 models' average pools round their ties (<c>ties up</c>: pools imported from TFLite's uint8 scheme).</summary>
    public AverageTies AverageTies { get; init; } = AverageTies.AwayFromZero;

    public static readonly string[] SixLabels = ["buildings", "forest", "glacier", "mountain", "sea", "street"];

    /// <summary>The seed's Keras model: 100x100x3, conv 32/64/128 3x3 ReLU each followed by 2x2 max pool, dense 256, 512, 6.</summary>
    public QModel IntelCnn() => Build("IntelCnn", TensorShape.Image(100, 100, 3), InputLayout.Hwc, SixLabels, b => b
        .Conv(32, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
        .Conv(64, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
        .Conv(128, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
        .Flatten(FlattenOrder.Chw).Dense(256, Activation.Relu).Dense(512, Activation.Relu).Dense(6, Activation.None).Softmax());

    /// <summary>fashion-cnn: conv 32, pool, conv 64, pool, flatten, dense 128 ReLU, dense 10.</summary>
    public QModel FashionCnn() => Build("FashionCnn", TensorShape.Image(28, 28, 1), InputLayout.Chw, Labels(10), b => b
        .Conv(32, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
        .Conv(64, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
        .Flatten(FlattenOrder.Chw).Dense(128, Activation.Relu).Dense(10, Activation.None).Softmax());

    public static string[] Labels(int count) => Enumerable.Range(0, count).Select(i => "class " + i).ToArray();

    /// <summary>A small random all-int8 model: random kernels, strides, paddings, activations, channel counts, pools, pad layers.</summary>
    public QModel RandomInt8()
    {
        int size = _random.Next(7, 16);
        var shape = TensorShape.Image(size, size + _random.Next(-2, 3), _random.Next(1, 5));
        var layout = _random.Next(2) == 0 ? InputLayout.Hwc : InputLayout.Chw;
        int classes = _random.Next(2, 12);
        return Build("RandomInt8_" + _counter++, shape, layout, Labels(classes), b =>
        {
            int convs = _random.Next(1, 4);
            for (int i = 0; i < convs && b.Shape.Height >= 3 && b.Shape.Width >= 3; i++)
            {
                if (_random.Next(3) == 0)
                {
                    b.Pad(_random.Next(0, 3), _random.Next(0, 3), _random.Next(0, 3), _random.Next(0, 3));
                }

                int k = _random.Next(1, 4);
                int stride = _random.Next(1, 3);
                b.Conv(_random.Next(1, 40), k, stride, RandomPadding(), RandomActivation(), kernelWidth: _random.Next(1, 4));
                if (b.Shape.Height >= 2 && b.Shape.Width >= 2 && _random.Next(3) > 0)
                {
                    int pool = _random.Next(2, 4);
                    if (_random.Next(2) == 0)
                    {
                        b.MaxPool(Math.Min(pool, b.Shape.Height), Math.Min(pool, b.Shape.Width), RandomPadding(), stride: _random.Next(1, 3));
                    }
                    else
                    {
                        b.AvgPool(Math.Min(pool, b.Shape.Height), _random.Next(1, 3), RandomPadding(), AverageTies);
                    }
                }
            }

            if (_random.Next(2) == 0)
            {
                b.GlobalAveragePool();
            }
            else
            {
                b.Flatten(_random.Next(2) == 0 ? FlattenOrder.Hwc : FlattenOrder.Chw);
                b.Dense(_random.Next(3, 70), RandomActivation());
            }

            b.Dense(classes, Activation.None);
            if (_random.Next(2) == 0)
            {
                b.Softmax();
            }
        });
    }

    /// <summary>Every precision and boundary: int8 region, dequantize, float32/float16/dynamic_int8 layers, quantize back; pads on the float input, in the int8 and in the float region.</summary>
    public QModel MixedPrecision(InputLayout layout, bool floatInput)
    {
        int side = floatInput ? 30 : 10;
        var shape = TensorShape.Image(side + _random.Next(0, 3), side + _random.Next(0, 3), _random.Next(1, 4));
        return Build("Mixed_" + _counter++, shape, layout, Labels(7), b =>
        {
            if (floatInput)
            {
                b.FloatInput().Pad(2, 0, 1, 3).Conv(9, 3, 1, Padding.Same, Activation.Relu, precision: Precision.Float32)
                    .MaxPool(2, 2, Padding.Same)
                    .Conv(18, 3, 2, Padding.Valid, Activation.Relu6, precision: Precision.Float16)
                    .AvgPool(2, 1, Padding.Same)
                    .Quantize();
            }

            b.Conv(20, 3, 1, Padding.Same, Activation.Relu6).MaxPool(3, 2, Padding.Same, stride: 3)
                .Pad(0, 1, 1, 0)
                .Dequantize()
                .Pad(1, 0, 0, 1)
                .Conv(17, 2, 1, Padding.Valid, Activation.None, precision: Precision.DynamicInt8)
                .MaxPool(2, 2, Padding.Valid)
                .Conv(5, 1, 1, Padding.Same, Activation.Relu, precision: Precision.Float16)
                .Flatten(FlattenOrder.Chw)
                .Dense(33, Activation.Relu6, precision: Precision.Float16)
                .Dense(20, Activation.Relu, precision: Precision.DynamicInt8)
                .Quantize()
                .Dense(21, Activation.Relu)
                .Dequantize()
                .Dense(7, Activation.None, precision: Precision.Float32);
            if (floatInput)
            {
                b.Softmax();
            }
        });
    }

    /// <summary>Float-only tail: float global pool, float max pool with same padding, chw flatten not folded (followed by a quantize).</summary>
    public QModel FloatTail()
    {
        return Build("FloatTail_" + _counter++, TensorShape.Image(9, 11, 2), InputLayout.Hwc, Labels(4), b =>
        {
            b.Conv(6, 3, 2, Padding.Same, Activation.Relu).Dequantize()
                .Conv(19, 3, 1, Padding.Same, Activation.None, precision: Precision.Float32)
                .MaxPool(3, 3, Padding.Same, stride: 2)
                .AvgPool(2, 2, Padding.Valid)
                .Flatten(FlattenOrder.Chw)
                .Quantize()
                .Dense(4, Activation.None);
        });
    }

    /// <summary>Global average pool over floats, then a float dense as the last layer.</summary>
    public QModel FloatGlobalPool()
    {
        return Build("FloatGap_" + _counter++, TensorShape.Image(10, 10, 3), InputLayout.Chw, Labels(3), b =>
        {
            b.FloatInput().Conv(24, 3, 1, Padding.Valid, Activation.Relu6, precision: Precision.DynamicInt8)
                .GlobalAveragePool()
                .Dense(3, Activation.None, precision: Precision.Float32);
        });
    }

    private Padding RandomPadding() => _random.Next(2) == 0 ? Padding.Same : Padding.Valid;

    private Activation RandomActivation() => (Activation)_random.Next(3);

    /// <summary>
    /// The ONNX exporter's small int8 CNN (<see cref="WeightScheme.Uniform"/>): 12x12x1, conv 8 same ReLU, max or average
    /// pool, optional pad (top 1, bottom 2, right 1), conv 12 valid, max pool, flatten, dense 16 ReLU, dense 4, optional softmax.
    /// </summary>
    public QModel SmallCnn(FlattenOrder order, bool averagePool, Activation secondConv = Activation.Relu6, bool softmax = true, bool pad = false) =>
        Build("OnnxTestModel", TensorShape.Image(12, 12, 1), InputLayout.Hwc, ["a", "b", "c", "d"], WeightScheme.Uniform, b =>
        {
            b.Conv(8, 3, 1, Padding.Same, Activation.Relu);
            if (averagePool)
            {
                b.AvgPool(2, 2, Padding.Valid);
            }
            else
            {
                b.MaxPool(2, 2, Padding.Valid);
            }

            if (pad)
            {
                b.Pad(1, 2, 0, 1);
            }

            b.Conv(12, 3, 1, Padding.Valid, secondConv).MaxPool(2, 2, Padding.Valid).Flatten(order)
                .Dense(16, Activation.Relu).Dense(4, Activation.None);
            if (softmax)
            {
                b.Softmax();
            }
        });

    /// <summary>
    /// fashion-cnn or intel-cnn quantized as a trained network would be (<see cref="WeightScheme.Trained"/>; flatten in
    /// chw order as the trainer exports), with random weights: the benchmark's stand-ins for the sample models.
    /// </summary>
    public QModel TrainedLike(string name, bool intel) => intel
        ? Build(name, TensorShape.Image(100, 100, 3), InputLayout.Hwc, SixLabels, WeightScheme.Trained, b => b
            .Conv(32, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
            .Conv(64, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
            .Conv(128, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
            .Flatten(FlattenOrder.Chw).Dense(256, Activation.Relu).Dense(512, Activation.Relu).Dense(6, Activation.None).Softmax())
        : Build(name, TensorShape.Image(28, 28, 1), InputLayout.Hwc, Labels(10), WeightScheme.Trained, b => b
            .Conv(32, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
            .Conv(64, 3, 1, Padding.Valid, Activation.Relu).MaxPool(2, 2, Padding.Valid)
            .Flatten(FlattenOrder.Chw).Dense(128, Activation.Relu).Dense(10, Activation.None).Softmax());

    private QModel Build(string name, TensorShape input, InputLayout layout, string[] labels, Action<ModelBuilder> layers) =>
        Build(name, input, layout, labels, WeightScheme.Spread, layers);

    private QModel Build(string name, TensorShape input, InputLayout layout, string[] labels, WeightScheme scheme, Action<ModelBuilder> layers)
    {
        var builder = new ModelBuilder(_random, input, scheme) { WeightLimit = SevenBitWeights ? 63 : 127 };
        layers(builder);
        var inputQuant = builder.IsFloatInput ? (QuantParams?)null : builder.InputQuant;
        return new QModel(name, input, layout, new Preprocessing(1f / 255f, 0f), inputQuant, labels, [new ProvenanceEntry("test", "random")], builder.Layers);
    }
}

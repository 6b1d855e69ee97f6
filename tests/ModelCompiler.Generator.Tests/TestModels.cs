using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Valid models with random constants. Output scales follow the accumulators' spread so that outputs land inside
/// the int8 range (a test whose outputs all saturate would prove little).
/// </summary>
public sealed class TestModels(int seed)
{
    private readonly Random random = new(seed);
    private int counter;

    /// <summary>
    /// Int8 weights in [-63, 63] (a tenth at the limits) instead of [-127, 127]: the format's 7-bit weights, which the
    /// generator runs on its register-blocked u8 x s8 convolution.
    /// </summary>
    public bool SevenBitWeights { get; init; }

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

    /// <summary>A small random all-int8 model: random kernels, strides, paddings, activations, channel counts, pools.</summary>
    public QModel RandomInt8()
    {
        int size = random.Next(7, 16);
        var shape = TensorShape.Image(size, size + random.Next(-2, 3), random.Next(1, 5));
        var layout = random.Next(2) == 0 ? InputLayout.Hwc : InputLayout.Chw;
        int classes = random.Next(2, 12);
        return Build("RandomInt8_" + counter++, shape, layout, Labels(classes), b =>
        {
            int convs = random.Next(1, 4);
            for (int i = 0; i < convs && b.Shape.Height >= 3 && b.Shape.Width >= 3; i++)
            {
                int k = random.Next(1, 4);
                int stride = random.Next(1, 3);
                b.Conv(random.Next(1, 40), k, stride, RandomPadding(), RandomActivation(), kernelWidth: random.Next(1, 4));
                if (b.Shape.Height >= 2 && b.Shape.Width >= 2 && random.Next(3) > 0)
                {
                    int pool = random.Next(2, 4);
                    if (random.Next(2) == 0)
                    {
                        b.MaxPool(Math.Min(pool, b.Shape.Height), Math.Min(pool, b.Shape.Width), RandomPadding(), stride: random.Next(1, 3));
                    }
                    else
                    {
                        b.AvgPool(Math.Min(pool, b.Shape.Height), random.Next(1, 3), RandomPadding());
                    }
                }
            }

            if (random.Next(2) == 0)
            {
                b.GlobalAveragePool();
            }
            else
            {
                b.Flatten(random.Next(2) == 0 ? FlattenOrder.Hwc : FlattenOrder.Chw);
                b.Dense(random.Next(3, 70), RandomActivation());
            }

            b.Dense(classes, Activation.None);
            if (random.Next(2) == 0)
            {
                b.Softmax();
            }
        });
    }

    /// <summary>Every precision and boundary: int8 region, dequantize, float32/float16/dynamic_int8 layers, quantize back.</summary>
    public QModel MixedPrecision(InputLayout layout, bool floatInput)
    {
        int side = floatInput ? 30 : 10;
        var shape = TensorShape.Image(side + random.Next(0, 3), side + random.Next(0, 3), random.Next(1, 4));
        return Build("Mixed_" + counter++, shape, layout, Labels(7), b =>
        {
            if (floatInput)
            {
                b.FloatInput().Conv(9, 3, 1, Padding.Same, Activation.Relu, precision: Precision.Float32)
                    .MaxPool(2, 2, Padding.Same)
                    .Conv(18, 3, 2, Padding.Valid, Activation.Relu6, precision: Precision.Float16)
                    .AvgPool(2, 1, Padding.Same)
                    .Quantize();
            }

            b.Conv(20, 3, 1, Padding.Same, Activation.Relu6).MaxPool(3, 2, Padding.Same, stride: 3)
                .Dequantize()
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
        return Build("FloatTail_" + counter++, TensorShape.Image(9, 11, 2), InputLayout.Hwc, Labels(4), b =>
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
        return Build("FloatGap_" + counter++, TensorShape.Image(10, 10, 3), InputLayout.Chw, Labels(3), b =>
        {
            b.FloatInput().Conv(24, 3, 1, Padding.Valid, Activation.Relu6, precision: Precision.DynamicInt8)
                .GlobalAveragePool()
                .Dense(3, Activation.None, precision: Precision.Float32);
        });
    }

    private Padding RandomPadding() => random.Next(2) == 0 ? Padding.Same : Padding.Valid;

    private Activation RandomActivation() => (Activation)random.Next(3);

    private QModel Build(string name, TensorShape input, InputLayout layout, string[] labels, Action<ModelBuilder> layers)
    {
        var builder = new ModelBuilder(random, input) { WeightLimit = SevenBitWeights ? 63 : 127 };
        layers(builder);
        var inputQuant = builder.IsFloatInput ? (QuantParams?)null : builder.InputQuant;
        return new QModel(name, input, layout, new Preprocessing(1f / 255f, 0f), inputQuant, labels, [new ProvenanceEntry("test", "random")], builder.Layers);
    }

    /// <summary>Appends layers, tracking the tensor so each layer gets matching constants.</summary>
    public sealed class ModelBuilder
    {
        private readonly Random random;
        private ElementKind kind = ElementKind.Int8;
        private QuantParams? quant;

        public ModelBuilder(Random random, TensorShape input)
        {
            this.random = random;
            Shape = input;
            // Inputs are roughly [0, 1] (pixel / 255); a random zero point exercises the folding.
            InputQuant = new QuantParams((float)(1.0 / 255 * (0.8 + random.NextDouble())), random.Next(-128, 0));
            quant = InputQuant;
        }

        public List<Layer> Layers { get; } = new();

        /// <summary>The largest int8 weight magnitude (127, or 63 for 7-bit weights).</summary>
        public int WeightLimit { get; init; } = 127;

        public TensorShape Shape { get; private set; }

        public QuantParams InputQuant { get; }

        public bool IsFloatInput { get; private set; }

        /// <summary>Makes the network input float32 (no input quantization); call before adding layers.</summary>
        public ModelBuilder FloatInput()
        {
            IsFloatInput = true;
            kind = ElementKind.Float32;
            quant = null;
            return this;
        }

        private string NextName(string op) => $"{op}{Layers.Count + 1}";

        private void Add(Layer layer)
        {
            var info = TensorChain.Next(new TensorInfo(Shape, kind, quant), layer);
            Layers.Add(layer);
            Shape = info.Shape;
            kind = info.Kind;
            quant = info.Quant;
        }

        public ModelBuilder Conv(int filters, int kernel, int stride, Padding padding, Activation activation, Precision precision = Precision.Int8, int? kernelWidth = null)
        {
            int kw = Math.Min(kernelWidth ?? kernel, padding == Padding.Valid ? Shape.Width : int.MaxValue);
            int kh = Math.Min(kernel, padding == Padding.Valid ? Shape.Height : int.MaxValue);
            int perOutput = kh * kw * Shape.Channels;
            var (weights, outQuant) = Weights(precision, filters, perOutput);
            Add(new Conv2DLayer(NextName("conv"), filters, kh, kw, stride, random.Next(1, 3) == 1 ? stride : 1, padding, activation, weights, outQuant) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder Dense(int units, Activation activation, Precision precision = Precision.Int8)
        {
            var (weights, outQuant) = Weights(precision, units, Shape.Length);
            Add(new DenseLayer(NextName("dense"), units, activation, weights, outQuant) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder MaxPool(int size, int stride, Padding padding) => MaxPool(size, size, padding, stride);

        public ModelBuilder MaxPool(int height, int width, Padding padding, int stride)
        {
            Add(new Pool2DLayer(NextName("maxpool"), true, height, width, stride, stride, padding) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder AvgPool(int size, int stride, Padding padding)
        {
            int h = padding == Padding.Valid ? Math.Min(size, Shape.Height) : size;
            int w = padding == Padding.Valid ? Math.Min(size, Shape.Width) : size;
            Add(new Pool2DLayer(NextName("avgpool"), false, h, w, stride, stride, padding) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder GlobalAveragePool()
        {
            Add(new GlobalAveragePoolLayer(NextName("gap")) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder Flatten(FlattenOrder order)
        {
            Add(new FlattenLayer(NextName("flatten"), order) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder Softmax()
        {
            Add(new SoftmaxLayer(NextName("softmax")) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder Quantize()
        {
            Add(new QuantizeLayer(NextName("quantize"), new QuantParams((float)(0.02 + random.NextDouble() * 0.05), random.Next(-128, 128))) { Line = Layers.Count + 10 });
            return this;
        }

        public ModelBuilder Dequantize()
        {
            Add(new DequantizeLayer(NextName("dequantize")) { Line = Layers.Count + 10 });
            return this;
        }

        private (WeightData Weights, QuantParams? Output) Weights(Precision precision, int outputs, int perOutput)
        {
            int count = outputs * perOutput;
            switch (precision)
            {
                case Precision.Int8:
                {
                    var values = new sbyte[count];
                    for (int i = 0; i < count; i++)
                    {
                        // Mostly small weights, a few at the limits.
                        values[i] = (sbyte)(random.Next(10) == 0 ? (random.Next(2) == 0 ? -WeightLimit : WeightLimit) : random.Next(-60, 61));
                    }

                    var scales = Enumerable.Range(0, outputs).Select(_ => (float)(0.002 + random.NextDouble() * 0.02)).ToArray();
                    float inScale = quant!.Value.Scale;
                    var bias = Enumerable.Range(0, outputs).Select(c => (int)Math.Round(random.NextDouble() * 2 - 1) * random.Next(0, 2000)).ToArray();
                    // Accumulator spread ~ sqrt(K) * 40 * 45; map about two spreads onto the int8 range.
                    double spread = Math.Sqrt(perOutput) * 40 * 45 * inScale * scales.Average();
                    var outQuant = new QuantParams((float)(spread / 50 * (0.5 + random.NextDouble())), random.Next(-100, 60));
                    return (new Int8Weights(values, scales, bias, WeightLimit <= 63 ? Int8Weights.ReducedBits : Int8Weights.FullBits), outQuant);
                }

                case Precision.DynamicInt8:
                {
                    var values = Enumerable.Range(0, count).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
                    var scales = Enumerable.Range(0, outputs).Select(_ => (float)(0.01 / Math.Sqrt(perOutput) * (0.5 + random.NextDouble()))).ToArray();
                    return (new DynamicInt8Weights(values, scales, FloatBias(outputs)), null);
                }

                case Precision.Float16:
                {
                    var values = Enumerable.Range(0, count).Select(_ => BitConverter.HalfToUInt16Bits((Half)(float)((random.NextDouble() * 2 - 1) / Math.Sqrt(perOutput)))).ToArray();
                    return (new Float16Weights(values, FloatBias(outputs)), null);
                }

                default:
                {
                    var values = Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(perOutput))).ToArray();
                    return (new Float32Weights(values, FloatBias(outputs)), null);
                }
            }
        }

        private float[] FloatBias(int outputs) => Enumerable.Range(0, outputs).Select(_ => (float)(random.NextDouble() * 0.2 - 0.1)).ToArray();
    }
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>Appends layers, tracking the tensor so each layer gets matching constants.</summary>
public sealed class ModelBuilder
{
    private readonly Random _random;
    private ElementKind _kind = ElementKind.Int8;
    private QuantParams? _quant;

    /// <param name="random">The source of every constant (a seeded one makes the model reproducible).</param>
    /// <param name="input">The network input's shape.</param>
    /// <param name="scheme">How int8 weights and output quantizations are drawn; <see cref="WeightScheme.Spread"/> by default.</param>
    public ModelBuilder(Random random, TensorShape input, WeightScheme? scheme = null)
    {
        _random = random;
        Shape = input;
        Scheme = scheme ?? WeightScheme.Spread;
        InputQuant = Scheme.InputQuant(random);
        _quant = InputQuant;
    }

    /// <summary>How int8 layers get their weights and output quantization.</summary>
    public WeightScheme Scheme { get; }

    public List<Layer> Layers { get; } = new();

    /// <summary>The largest int8 weight magnitude (127, or 63 for 7-bit weights, which the layers then declare).</summary>
    public int WeightLimit { get; init; } = 127;

    public TensorShape Shape { get; private set; }

    public QuantParams InputQuant { get; }

    public bool IsFloatInput { get; private set; }

    /// <summary>Makes the network input float32 (no input quantization); call before adding layers.</summary>
    public ModelBuilder FloatInput()
    {
        IsFloatInput = true;
        _kind = ElementKind.Float32;
        _quant = null;
        return this;
    }

    private string NextName(string op) => $"{op}{Layers.Count + 1}";

    private void Add(Layer layer)
    {
        var info = TensorChain.Next(new TensorInfo(Shape, _kind, _quant), layer);
        Layers.Add(layer);
        Shape = info.Shape;
        _kind = info.Kind;
        _quant = info.Quant;
    }

    public ModelBuilder Conv(int filters, int kernel, int stride, Padding padding, Activation activation, Precision precision = Precision.Int8, int? kernelWidth = null)
    {
        int kw = Math.Min(kernelWidth ?? kernel, padding == Padding.Valid ? Shape.Width : int.MaxValue);
        int kh = Math.Min(kernel, padding == Padding.Valid ? Shape.Height : int.MaxValue);
        int perOutput = kh * kw * Shape.Channels;
        var (weights, outQuant) = Weights(precision, filters, perOutput, activation);
        int strideWidth = Scheme.RandomStrideWidth && _random.Next(1, 3) != 1 ? 1 : stride;
        Add(new Conv2DLayer(NextName("conv"), filters, kh, kw, stride, strideWidth, padding, activation, weights, outQuant) { Line = Layers.Count + 10 });
        return this;
    }

    public ModelBuilder Dense(int units, Activation activation, Precision precision = Precision.Int8)
    {
        var (weights, outQuant) = Weights(precision, units, Shape.Length, activation);
        Add(new DenseLayer(NextName("dense"), units, activation, weights, outQuant) { Line = Layers.Count + 10 });
        return this;
    }

    public ModelBuilder MaxPool(int size, int stride, Padding padding) => MaxPool(size, size, padding, stride);

    public ModelBuilder MaxPool(int height, int width, Padding padding, int stride)
    {
        Add(new Pool2DLayer(NextName("maxpool"), true, height, width, stride, stride, padding) { Line = Layers.Count + 10 });
        return this;
    }

    public ModelBuilder AvgPool(int size, int stride, Padding padding, AverageTies ties = AverageTies.AwayFromZero)
    {
        int h = padding == Padding.Valid ? Math.Min(size, Shape.Height) : size;
        int w = padding == Padding.Valid ? Math.Min(size, Shape.Width) : size;
        Add(new Pool2DLayer(NextName("avgpool"), false, h, w, stride, stride, padding) { Ties = _kind == ElementKind.Int8 ? ties : AverageTies.AwayFromZero, Line = Layers.Count + 10 });
        return this;
    }

    public ModelBuilder Pad(int top, int bottom, int left, int right)
    {
        Add(new PadLayer(NextName("pad"), top, bottom, left, right) { Line = Layers.Count + 10 });
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
        Add(new QuantizeLayer(NextName("quantize"), new QuantParams((float)(0.02 + _random.NextDouble() * 0.05), _random.Next(-128, 128))) { Line = Layers.Count + 10 });
        return this;
    }

    public ModelBuilder Dequantize()
    {
        Add(new DequantizeLayer(NextName("dequantize")) { Line = Layers.Count + 10 });
        return this;
    }

    private (WeightData Weights, QuantParams? Output) Weights(Precision precision, int outputs, int perOutput, Activation activation)
    {
        int count = outputs * perOutput;
        switch (precision)
        {
            case Precision.Int8:
                return Scheme.Int8(_random, outputs, perOutput, activation, _quant!.Value, WeightLimit);

            case Precision.DynamicInt8:
            {
                var values = Enumerable.Range(0, count).Select(_ => (sbyte)_random.Next(-127, 128)).ToArray();
                var scales = Enumerable.Range(0, outputs).Select(_ => (float)(0.01 / Math.Sqrt(perOutput) * (0.5 + _random.NextDouble()))).ToArray();
                return (new DynamicInt8Weights(values, scales, FloatBias(outputs)), null);
            }

            case Precision.Float16:
            {
                var values = Enumerable.Range(0, count).Select(_ => HalfConversion.FromSingle((float)((_random.NextDouble() * 2 - 1) / Math.Sqrt(perOutput)))).ToArray();
                return (new Float16Weights(values, FloatBias(outputs)), null);
            }

            default:
            {
                var values = Enumerable.Range(0, count).Select(_ => (float)((_random.NextDouble() * 2 - 1) / Math.Sqrt(perOutput))).ToArray();
                return (new Float32Weights(values, FloatBias(outputs)), null);
            }
        }
    }

    private float[] FloatBias(int outputs) => Enumerable.Range(0, outputs).Select(_ => (float)(_random.NextDouble() * 0.2 - 0.1)).ToArray();
}

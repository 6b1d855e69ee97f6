using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// Builds a version 2 graph: each method appends a layer that reads the named tensors (<c>"input"</c> or an earlier
/// layer's name) and returns the new layer's name, so a tensor can feed several layers (skip connections). Constants
/// come from a <see cref="WeightScheme"/>, as <see cref="ModelBuilder"/>'s; every layer is int8 unless it says otherwise.
/// </summary>
public sealed class GraphModelBuilder
{
    private readonly Random _random;
    private readonly WeightScheme _scheme;
    private readonly Dictionary<string, TensorInfo> _tensors = new(StringComparer.Ordinal);

    public GraphModelBuilder(Random random, TensorShape input, WeightScheme? scheme = null)
    {
        _random = random;
        _scheme = scheme ?? WeightScheme.Spread;
        InputShape = input;
        InputQuant = _scheme.InputQuant(random);
        _tensors[ModelGraph.InputName] = new TensorInfo(input, ElementKind.Int8, InputQuant);
    }

    /// <summary>The largest int8 weight magnitude (127, or 63 for 7-bit weights, which the layers then declare).</summary>
    public int WeightLimit { get; init; } = 127;

    public TensorShape InputShape { get; }

    public QuantParams InputQuant { get; }

    public List<Layer> Layers { get; } = [];

    /// <summary>The tensor a name stands for.</summary>
    public TensorInfo this[string name] => _tensors[name];

    public string Conv(string from, int filters, int kernel, int stride, Padding padding, Activation activation)
    {
        var input = _tensors[from];
        var (weights, output) = _scheme.Int8(_random, filters, kernel * kernel * input.Shape.Channels, activation, input.Quant!.Value, WeightLimit);
        return Add(new Conv2DLayer(NextName("conv"), filters, kernel, kernel, stride, stride, padding, activation, weights, output) { Inputs = [from], Line = NextLine });
    }

    public string Depthwise(string from, int kernel, int stride, Padding padding, Activation activation, int? strideWidth = null)
    {
        var input = _tensors[from];
        var (weights, output) = _scheme.Int8(_random, input.Shape.Channels, kernel * kernel, activation, input.Quant!.Value, WeightLimit);
        return Add(new DepthwiseConv2DLayer(NextName("dw"), kernel, kernel, stride, strideWidth ?? stride, padding, activation, weights, output) { Inputs = [from], Line = NextLine });
    }

    /// <summary>
    /// <paramref name="first"/> + <paramref name="second"/>; the output scale is <paramref name="outputScaleFactor"/>
    /// times the larger input scale, the zero point random.
    /// </summary>
    public string Sum(string first, string second, Activation activation, double outputScaleFactor)
    {
        float scale = (float)(Math.Max(_tensors[first].Quant!.Value.Scale, _tensors[second].Quant!.Value.Scale) * outputScaleFactor);
        return Add(new AddLayer(NextName("add"), activation, new QuantParams(scale, _random.Next(-100, 60))) { Inputs = [first, second], Line = NextLine });
    }

    /// <summary><paramref name="first"/> + <paramref name="second"/> of float32 tensors (no output quantization).</summary>
    public string FloatSum(string first, string second, Activation activation) =>
        Add(new AddLayer(NextName("add"), activation, null) { Inputs = [first, second], Line = NextLine });

    public string Dequantize(string from) => Add(new DequantizeLayer(NextName("dequantize")) { Inputs = [from], Line = NextLine });

    /// <summary>Quantizes a float32 tensor with a random scale and zero point.</summary>
    public string Quantize(string from) =>
        Add(new QuantizeLayer(NextName("quantize"), new QuantParams((float)(0.01 + _random.NextDouble() * 0.05), _random.Next(-128, 128))) { Inputs = [from], Line = NextLine });

    public string GlobalAveragePool(string from) => Add(new GlobalAveragePoolLayer(NextName("gap")) { Inputs = [from], Line = NextLine });

    /// <summary>
    /// An int8 global average pool that rescales to <paramref name="quant"/> (TFLite's integer MEAN), with its own
    /// rounding rule when <paramref name="rounding"/> is given.
    /// </summary>
    public string RescalingMean(string from, QuantParams quant, Rounding? rounding = null) =>
        Add(new GlobalAveragePoolLayer(NextName("mean")) { Inputs = [from], OutputQuant = quant, RoundingOverride = rounding, Line = NextLine });

    public string MaxPool(string from, int size, int stride, Padding padding) => Add(new Pool2DLayer(NextName("maxpool"), true, size, size, stride, stride, padding) { Inputs = [from], Line = NextLine });

    public string Flatten(string from, FlattenOrder order) => Add(new FlattenLayer(NextName("flatten"), order) { Inputs = [from], Line = NextLine });

    public string Dense(string from, int units, Activation activation)
    {
        var input = _tensors[from];
        var (weights, output) = _scheme.Int8(_random, units, input.Shape.Length, activation, input.Quant!.Value, WeightLimit);
        return Add(new DenseLayer(NextName("dense"), units, activation, weights, output) { Inputs = [from], Line = NextLine });
    }

    /// <summary>The model (input layout hwc, preprocessing pixel / 255); its output is the last layer's.</summary>
    public QModel Build(string name, IReadOnlyList<string> labels)
    {
        var model = new QModel(name, InputShape, InputLayout.Hwc, new Preprocessing(1f / 255f, 0f), InputQuant, labels, [new ProvenanceEntry("test", "random graph")], Layers);
        TensorChain.InferGraph(model);
        return model;
    }

    private int NextLine => Layers.Count + 10;

    private string Add(Layer layer)
    {
        _tensors[layer.Name] = TensorChain.Next(layer.Inputs.Select(n => _tensors[n]).ToArray(), layer);
        Layers.Add(layer);
        return layer.Name;
    }

    private string NextName(string op) => $"{op}{Layers.Count + 1}";
}

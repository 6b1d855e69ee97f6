using System.Text;
using CsCheck;
using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// Builds one random valid model layer by layer, tracking the current tensor so every layer accepts its input
/// (inserting quantize/dequantize where a layer's precision needs the other element type). Some models are graphs:
/// residual blocks add a branch to the tensor it started from, and some layers name their input explicitly.
/// </summary>
internal sealed class RandomModelBuilder(PCG pcg)
{
    private readonly List<Layer> _layers = [];
    private TensorInfo _current;
    private string _currentName = ModelGraph.InputName;

    public QModel Build()
    {
        var input = TensorShape.Image(Int(1, 9), Int(1, 9), Int(1, 4));
        QuantParams? inputQuant = Chance(2) ? Quant() : null;
        _current = new TensorInfo(input, inputQuant is null ? ElementKind.Float32 : ElementKind.Int8, inputQuant);

        int imageLayers = Int(0, 3);
        for (int i = 0; i < imageLayers; i++)
        {
            switch (Int(0, 6))
            {
                case 0 or 1 or 2: AddConv(); break;
                case 3: AddDepthwise(); break;
                case 4: AddResidualBlock(); break;
                default: AddPool(); break;
            }

            if (Chance(4))
            {
                AddPad();
            }
        }

        Add(Chance(3)
            ? GlobalAveragePool()
            : new FlattenLayer(NextName("flatten"), Pick(FlattenOrder.Hwc, FlattenOrder.Chw)) { Inputs = ReadsCurrent() });
        int labelCount = Int(1, 5);
        int denseLayers = Int(1, 2);
        for (int i = 0; i < denseLayers; i++)
        {
            AddDense(i == denseLayers - 1 ? labelCount : Int(1, 6));
        }

        if (Chance(4))
        {
            // A residual over vectors: an addition of a dense layer's output and its input.
            var (skip, skipName) = (_current, _currentName);
            AddDense(skip.Shape.Channels);
            EnsureKind(skip.Kind);
            Add(new AddLayer(NextName("add"), Pick(Activation.None, Activation.Relu, Activation.Relu6), skip.Kind == ElementKind.Int8 ? Quant() : null)
            {
                Inputs = [_currentName, skipName],
            }, [_current, skip]);
        }

        if (_current.Kind == ElementKind.Int8 && Chance(3))
        {
            Add(new DequantizeLayer(NextName("dequant")) { Inputs = ReadsCurrent() });
        }

        if (Chance(2))
        {
            Add(new SoftmaxLayer(NextName("softmax")) { Inputs = ReadsCurrent() });
        }

        var model = new QModel(
            Identifier(mustAvoidKeywords: true), input, Pick(InputLayout.Hwc, InputLayout.Chw),
            new Preprocessing(NonZero(FiniteFloat()), FiniteFloat()), inputQuant, Labels(labelCount), Provenance(), _layers);
        TensorChain.Infer(model);
        return model;
    }

    private void AddConv(bool keepShape = false)
    {
        var precision = Pick(Precision.Int8, Precision.Float32, Precision.DynamicInt8, Precision.Float16);
        EnsureKind(precision == Precision.Int8 ? ElementKind.Int8 : ElementKind.Float32);
        var padding = keepShape ? Padding.Same : Pick(Padding.Valid, Padding.Same);
        var (kh, kw) = Window(padding);
        int filters = keepShape ? _current.Shape.Channels : Int(1, 4);
        int stride = keepShape ? 1 : Int(1, 3);
        int perFilter = _current.Shape.Channels * kh * kw;
        Add(new Conv2DLayer(
            NextName("conv"), filters, kh, kw, stride, keepShape ? 1 : Int(1, 3), padding,
            Pick(Activation.None, Activation.Relu, Activation.Relu6), Weights(precision, filters, perFilter),
            precision == Precision.Int8 ? Quant() : null) { Inputs = ReadsCurrent() });
    }

    private void AddDepthwise(bool keepShape = false)
    {
        var precision = Pick(Precision.Int8, Precision.Float32, Precision.DynamicInt8, Precision.Float16);
        EnsureKind(precision == Precision.Int8 ? ElementKind.Int8 : ElementKind.Float32);
        var padding = keepShape ? Padding.Same : Pick(Padding.Valid, Padding.Same);
        var (kh, kw) = Window(padding);
        int channels = _current.Shape.Channels;
        Add(new DepthwiseConv2DLayer(
            NextName("dw"), kh, kw, keepShape ? 1 : Int(1, 3), keepShape ? 1 : Int(1, 3), padding,
            Pick(Activation.None, Activation.Relu, Activation.Relu6), Weights(precision, channels, kh * kw),
            precision == Precision.Int8 ? Quant() : null) { Inputs = ReadsCurrent() });
    }

    private void AddPool(bool keepShape = false)
    {
        var padding = keepShape ? Padding.Same : Pick(Padding.Valid, Padding.Same);
        var (ph, pw) = Window(padding);
        int stride = keepShape ? 1 : Int(1, 3);
        Add(new Pool2DLayer(NextName("pool"), Chance(2), ph, pw, stride, keepShape ? 1 : Int(1, 3), padding) { Inputs = ReadsCurrent() });
    }

    /// <summary>
    /// A branch of one to three shape-keeping layers from the current tensor, added back to it: the tensor feeds the
    /// branch and the addition, and the addition names both (in either order).
    /// </summary>
    private void AddResidualBlock()
    {
        if (Chance(2))
        {
            EnsureKind(Pick(ElementKind.Int8, ElementKind.Float32));
        }

        var (skip, skipName) = (_current, _currentName);
        int branch = Int(1, 3);
        for (int i = 0; i < branch; i++)
        {
            switch (Int(0, 2))
            {
                case 0: AddConv(keepShape: true); break;
                case 1: AddDepthwise(keepShape: true); break;
                default: AddPool(keepShape: true); break;
            }
        }

        EnsureKind(skip.Kind);
        string[] inputs = Chance(2) ? [skipName, _currentName] : [_currentName, skipName];
        var activation = Pick(Activation.None, Activation.Relu, Activation.Relu6);
        Add(new AddLayer(NextName("add"), activation, skip.Kind == ElementKind.Int8 ? Quant() : null) { Inputs = inputs }, [skip, _current]);
    }

    /// <summary>Zero padding of the current tensor, int8 or float: amounts of 0 (a copy) to 3 per side.</summary>
    private void AddPad() => Add(new PadLayer(NextName("pad"), Int(0, 3), Int(0, 3), Int(0, 3), Int(0, 3)));

    private void AddDense(int units)
    {
        var precision = Pick(Precision.Int8, Precision.Float32, Precision.DynamicInt8, Precision.Float16);
        EnsureKind(precision == Precision.Int8 ? ElementKind.Int8 : ElementKind.Float32);
        Add(new DenseLayer(
            NextName("dense"), units, Pick(Activation.None, Activation.Relu, Activation.Relu6),
            Weights(precision, units, _current.Shape.Channels), precision == Precision.Int8 ? Quant() : null) { Inputs = ReadsCurrent() });
    }

    /// <summary>Kernel or pool size: with valid padding it must fit the input; same padding allows larger.</summary>
    private (int, int) Window(Padding padding) => padding == Padding.Valid
        ? (Int(1, Math.Min(4, _current.Shape.Height)), Int(1, Math.Min(4, _current.Shape.Width)))
        : (Int(1, 4), Int(1, 4));

    private void EnsureKind(ElementKind kind)
    {
        if (_current.Kind != kind)
        {
            Add(kind == ElementKind.Int8
                ? new QuantizeLayer(NextName("quant"), Quant()) { Inputs = ReadsCurrent() }
                : new DequantizeLayer(NextName("dequant")) { Inputs = ReadsCurrent() });
        }
    }

    private void Add(Layer layer) => Add(layer, [_current]);

    private void Add(Layer layer, TensorInfo[] inputs)
    {
        _current = TensorChain.Next(inputs, layer);
        _currentName = layer.Name;
        _layers.Add(layer);
    }

    /// <summary>Usually nothing (the previous layer's output, implicitly); sometimes the same tensor by name.</summary>
    private string[] ReadsCurrent() => Chance(4) ? [_currentName] : [];

    private WeightData Weights(Precision precision, int outputs, int perOutput)
    {
        int count = outputs * perOutput;
        return precision switch
        {
            Precision.Int8 => Chance(3)
                ? new Int8Weights(Int8s(count, Int8Weights.MaxMagnitude(7)), Scales(outputs), Int32s(outputs), Int8Weights.ReducedBits)
                : new Int8Weights(Int8s(count), Scales(outputs), Int32s(outputs)),
            Precision.DynamicInt8 => new DynamicInt8Weights(Int8s(count), Scales(outputs), Floats(outputs)),
            Precision.Float32 => new Float32Weights(Floats(count), Floats(outputs)),
            _ => new Float16Weights(Halves(count), Floats(outputs)),
        };
    }

    /// <summary>Symmetric int8 weights; 7-bit layers sometimes hit their bound exactly (±63).</summary>
    private sbyte[] Int8s(int count, int limit = 127) => Enumerable.Range(0, count).Select(_ => (sbyte)(Chance(8) ? Pick(-limit, limit) : Int(-limit, limit))).ToArray();

    /// <summary>Small biases usually, sometimes near ±2^30 (still safe for the accumulator with these tiny layers).</summary>
    private int[] Int32s(int count) => Enumerable.Range(0, count)
        .Select(_ => Chance(4) ? (int)(pcg.Next() & 0x7FFFFFFF) - (1 << 30) : Int(-100000, 100000)).ToArray();

    private float[] Floats(int count) => Enumerable.Range(0, count).Select(_ => FiniteFloat()).ToArray();

    private float[] Scales(int count) => Enumerable.Range(0, count).Select(_ => Scale()).ToArray();

    private ushort[] Halves(int count) => Enumerable.Range(0, count).Select(_ =>
    {
        ushort bits = (ushort)pcg.Next(65536);
        return (bits & 0x7C00) == 0x7C00 ? (ushort)(bits & 0xBFFF) : bits;
    }).ToArray();

    /// <summary>
    /// A global average pool; on an int8 tensor, half of the time one that rescales (an output scale 0.25 to 2.25
    /// times the input's, any zero point), with the header's rule or its own.
    /// </summary>
    private GlobalAveragePoolLayer GlobalAveragePool()
    {
        if (_current.Quant is not { } input || !Chance(2))
        {
            return new GlobalAveragePoolLayer(NextName("gap")) { Inputs = ReadsCurrent() };
        }

        var quant = new QuantParams(input.Scale * (0.25f + (Int(0, 16) / 8f)), Int(-128, 127));
        return new GlobalAveragePoolLayer(NextName("mean")) { Inputs = ReadsCurrent(), OutputQuant = quant, RoundingOverride = Chance(2) ? Pick(Rounding.Single, Rounding.Tflite) : null };
    }

    private QuantParams Quant() => new(Scale(), Int(-128, 127));

    /// <summary>Positive normal float32 scales across a wide range of exponents.</summary>
    private float Scale() => BitConverter.Int32BitsToSingle(((127 + Int(-40, 20)) << 23) | (int)pcg.Next(1u << 23));

    /// <summary>Any finite float: half of the time a "typical" one, otherwise arbitrary bits (subnormals, -0, huge).</summary>
    private float FiniteFloat()
    {
        if (Chance(2))
        {
            return (Int(-2000, 2000) / 1000f) + (Int(0, 999) * 1e-7f);
        }

        int bits = (int)pcg.Next();
        return (bits & 0x7F800000) == 0x7F800000 ? BitConverter.Int32BitsToSingle(bits & ~0x40000000) : BitConverter.Int32BitsToSingle(bits);
    }

    private static float NonZero(float value) => value == 0 ? 1 : value;

    private List<string> Labels(int count)
    {
        var labels = new List<string>();
        while (labels.Count < count)
        {
            string label = Text(minLength: 1);
            if (label.Trim().Length > 0 && !labels.Contains(label))
            {
                labels.Add(label);
            }
        }

        return labels;
    }

    private List<ProvenanceEntry> Provenance()
    {
        var entries = new List<ProvenanceEntry>();
        int count = Int(0, 3);
        for (int i = 0; i < count; i++)
        {
            string key = Pick("dataset", "trained_at", "accuracy.float", "accuracy-int8", "_note") + i;
            entries.Add(new ProvenanceEntry(key, Text(minLength: 0)));
        }

        return entries;
    }

    private static readonly string[] TextPieces =
        ["a", "Z", "7", " ", "-", "/", "\"", "\\", "\n", "\t", "\r", "\u0001", "\u007F", "é", "日本", "\U0001F600", "'", "#", "=", "\u2028", "\uFEFF"];

    private string Text(int minLength)
    {
        var text = new StringBuilder();
        int pieces = Int(minLength, 8);
        for (int i = 0; i < pieces; i++)
        {
            text.Append(TextPieces[Int(0, TextPieces.Length - 1)]);
        }

        return text.ToString();
    }

    private int _nameCounter;

    private string NextName(string stem) => $"{stem}{_nameCounter++}";

    private string Identifier(bool mustAvoidKeywords)
    {
        const string first = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
        const string rest = first + "0123456789";
        var name = new StringBuilder().Append(first[Int(0, first.Length - 1)]);
        int length = Int(0, 12);
        for (int i = 0; i < length; i++)
        {
            name.Append(rest[Int(0, rest.Length - 1)]);
        }

        string result = name.ToString();
        return mustAvoidKeywords && !Identifiers.IsModelName(result) ? "_" + result : result;
    }

    private int Int(int min, int max) => min + (int)pcg.Next((uint)(max - min + 1));

    private bool Chance(int oneIn) => pcg.Next((uint)oneIn) == 0;

    private T Pick<T>(params T[] choices) => choices[Int(0, choices.Length - 1)];
}

using ModelCompiler.Format;

namespace ModelCompiler.Benchmarks.Models;

/// <summary>
/// A valid all-int8 sequential CNN with random weights, quantized the way a trained model would be: input
/// pixel / 255 as (1/255, -128), He-scaled weights quantized symmetric per output channel, ReLU outputs with
/// zero point -128 and a range of about four pre-activation standard deviations, symmetric logits, softmax last.
/// The random weights change nothing a benchmark measures (every kernel does the same work for any values), and
/// the realistic quantization keeps ONNX Runtime's QDQ fusion, which depends on those zero points, as it would be.
/// </summary>
public sealed class SyntheticClassifier
{
    private const float InputScale = 1f / 255f;
    private const int InputZeroPoint = -128;

    private readonly Random random;
    private readonly List<Layer> layers = [];
    private readonly TensorShape input;
    private TensorShape shape;
    private QuantParams quant = new(InputScale, InputZeroPoint);

    /// <summary>Mean square of the current tensor's real values: 1/3 for pixel / 255 uniform on [0, 1].</summary>
    private double meanSquare = 1.0 / 3.0;

    private SyntheticClassifier(int seed, TensorShape input)
    {
        random = new Random(seed);
        this.input = input;
        shape = input;
    }

    /// <summary>fashion-cnn: 28x28x1, conv 32 and 64 (3x3, ReLU, 2x2 max pool), dense 128 ReLU, dense 10.</summary>
    public static QModel FashionCnn(string name, int seed)
    {
        var net = new SyntheticClassifier(seed, TensorShape.Image(28, 28, 1));
        net.Conv(32).MaxPool().Conv(64).MaxPool().Flatten().Dense(128, Activation.Relu).Dense(10, Activation.None);
        return net.Build(name, Enumerable.Range(0, 10).Select(i => "class " + i).ToArray());
    }

    /// <summary>intel-cnn (the seed's Keras model): 100x100x3, conv 32, 64, 128 each with 2x2 max pool, dense 256, 512, 6.</summary>
    public static QModel IntelCnn(string name, int seed)
    {
        var net = new SyntheticClassifier(seed, TensorShape.Image(100, 100, 3));
        net.Conv(32).MaxPool().Conv(64).MaxPool().Conv(128).MaxPool().Flatten()
            .Dense(256, Activation.Relu).Dense(512, Activation.Relu).Dense(6, Activation.None);
        return net.Build(name, ["buildings", "forest", "glacier", "mountain", "sea", "street"]);
    }

    private SyntheticClassifier Conv(int filters)
    {
        var (weights, output) = Weights(filters, 3 * 3 * shape.Channels, Activation.Relu);
        Add(new Conv2DLayer($"conv{layers.Count + 1}", filters, 3, 3, 1, 1, Padding.Valid, Activation.Relu, weights, output));
        return this;
    }

    private SyntheticClassifier Dense(int units, Activation activation)
    {
        var (weights, output) = Weights(units, shape.Length, activation);
        Add(new DenseLayer($"dense{layers.Count + 1}", units, activation, weights, output));
        return this;
    }

    private SyntheticClassifier MaxPool()
    {
        Add(new Pool2DLayer($"pool{layers.Count + 1}", isMax: true, 2, 2, 2, 2, Padding.Valid));
        return this;
    }

    private SyntheticClassifier Flatten()
    {
        // (c, h, w) like a network trained in NCHW, which is what the trainer exports.
        Add(new FlattenLayer($"flatten{layers.Count + 1}", FlattenOrder.Chw));
        return this;
    }

    private QModel Build(string name, string[] labels)
    {
        layers.Add(new SoftmaxLayer("softmax"));
        var model = new QModel(
            name, input,
            InputLayout.Hwc, new Preprocessing(InputScale, 0f), new QuantParams(InputScale, InputZeroPoint), labels,
            [new ProvenanceEntry("origin", "synthetic random weights for benchmarking (benchmarks/BenchmarkModels)")],
            layers);
        TensorChain.Infer(model);
        return model;
    }

    private void Add(Layer layer)
    {
        var next = TensorChain.Next(new TensorInfo(shape, ElementKind.Int8, quant), layer);
        layers.Add(layer);
        shape = next.Shape;
        quant = next.Quant ?? quant;
    }

    private (Int8Weights Weights, QuantParams Output) Weights(int outputs, int fanIn, Activation activation)
    {
        double std = Math.Sqrt(2.0 / fanIn);
        var values = new sbyte[outputs * fanIn];
        var scales = new float[outputs];
        var bias = new int[outputs];
        var row = new double[fanIn];
        // Pre-activation spread for He weights: sqrt(fanIn * std^2 * E[x^2]).
        double preActivation = Math.Sqrt(fanIn * std * std * meanSquare);
        for (int o = 0; o < outputs; o++)
        {
            double max = 0;
            for (int i = 0; i < fanIn; i++)
            {
                row[i] = Gaussian() * std;
                max = Math.Max(max, Math.Abs(row[i]));
            }

            scales[o] = (float)(max / 127);
            for (int i = 0; i < fanIn; i++)
            {
                values[o * fanIn + i] = (sbyte)Math.Clamp(Math.Round(row[i] / scales[o]), -127, 127);
            }

            bias[o] = (int)Math.Round(Gaussian() * 0.1 * preActivation / (quant.Scale * scales[o]));
        }

        QuantParams output;
        if (activation == Activation.Relu)
        {
            output = new QuantParams((float)(4 * preActivation / 255), -128);
            // ReLU halves the mean square of a zero-mean Gaussian.
            meanSquare = preActivation * preActivation / 2;
        }
        else
        {
            output = new QuantParams((float)(8 * preActivation / 255), 0);
            meanSquare = preActivation * preActivation;
        }

        return (new Int8Weights(values, scales, bias), output);
    }

    private double Gaussian()
    {
        double u = 1.0 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}

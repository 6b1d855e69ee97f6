using ModelCompiler.Format;

namespace ModelCompiler.Onnx.Tests;

/// <summary>
/// A small int8 CNN with random weights (conv same/valid, relu/relu6, max and average pools, both flatten orders,
/// dense, softmax). Output scales are set from the expected accumulator spread (sqrt(K) * input and weight spread),
/// so activations use the int8 range without saturating everywhere.
/// </summary>
internal static class QuantizedTestModel
{
    public static QModel Create(int seed, FlattenOrder order, bool averagePool, Activation secondConv = Activation.Relu6, bool softmax = true)
    {
        var random = new Random(seed);
        var input = new QuantParams(1f / 255, -128);
        var layers = new List<Layer>();
        var conv1 = Conv(random, "conv1", 1, 8, Padding.Same, Activation.Relu, input, out var q1);
        layers.Add(conv1);
        layers.Add(new Pool2DLayer("pool1", isMax: !averagePool, 2, 2, 2, 2, Padding.Valid));
        layers.Add(Conv(random, "conv2", 8, 12, Padding.Valid, secondConv, q1, out var q2));
        layers.Add(new Pool2DLayer("pool2", isMax: true, 2, 2, 2, 2, Padding.Valid));
        layers.Add(new FlattenLayer("flatten", order));
        // 12x12 input: same conv 12x12 -> pool 6x6 -> valid conv 4x4 -> pool 2x2 x 12 channels = 48 features.
        layers.Add(Dense(random, "fc1", 48, 16, Activation.Relu, q2, out var q3));
        layers.Add(Dense(random, "fc2", 16, 4, Activation.None, q3, out _));
        if (softmax)
        {
            layers.Add(new SoftmaxLayer("softmax"));
        }

        return new QModel(
            "OnnxTestModel", TensorShape.Image(12, 12, 1), InputLayout.Hwc, new Preprocessing(1f / 255, 0), input,
            ["a", "b", "c", "d"], [], layers);
    }

    private static Conv2DLayer Conv(Random r, string name, int cin, int filters, Padding padding, Activation activation, QuantParams input, out QuantParams output)
    {
        int k = cin * 9;
        output = OutputQuant(input, k, activation);
        return new Conv2DLayer(name, filters, 3, 3, 1, 1, padding, activation, Weights(r, filters, k), output);
    }

    private static DenseLayer Dense(Random r, string name, int inputs, int units, Activation activation, QuantParams input, out QuantParams output)
    {
        output = OutputQuant(input, inputs, activation);
        return new DenseLayer(name, units, activation, Weights(r, units, inputs), output);
    }

    private static Int8Weights Weights(Random r, int outputs, int perOutput)
    {
        var values = new sbyte[outputs * perOutput];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (sbyte)r.Next(-127, 128);
        }

        var scales = Enumerable.Range(0, outputs).Select(_ => 0.002f + 0.01f * r.NextSingle()).ToArray();
        var bias = Enumerable.Range(0, outputs).Select(_ => r.Next(-2000, 2000)).ToArray();
        return new Int8Weights(values, scales, bias);
    }

    private static QuantParams OutputQuant(QuantParams input, int k, Activation activation)
    {
        // Accumulator spread ~ sqrt(k) * 74 (input) * 73 (weights) in units of s_in * s_w; aim it at ~40 int8 steps.
        float spread = input.Scale * 0.007f * MathF.Sqrt(k) * 74 * 73;
        float scale = spread / 40;
        return new QuantParams(scale, activation == Activation.None ? 0 : -128);
    }
}

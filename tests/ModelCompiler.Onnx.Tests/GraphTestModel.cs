using ModelCompiler.Format;

namespace ModelCompiler.Onnx.Tests;

/// <summary>
/// A small int8 MobileNetV2-like graph with random weights: a stride-2 stem convolution, an inverted residual block
/// (1x1 expansion, 3x3 depthwise, 1x1 projection, added to the stem's output), a stride-2 depthwise convolution without
/// activation (so the pooled features are not all positive and the class varies with the input), a global average
/// pool and a dense layer. ReLU6 layers use at most the range [0, 6] (scale 6/255), as TFLite's do; the addition has no
/// activation, a fused ReLU or a fused ReLU6.
/// </summary>
internal static class GraphTestModel
{
    /// <summary>The model; <paramref name="addition"/> is the residual addition's fused activation.</summary>
    public static QModel Create(int seed, bool softmax = true, Activation addition = Activation.None)
    {
        var random = new Random(seed);
        var input = new QuantParams(1f / 255, -128);
        var layers = new List<Layer>();

        // 12x12x3 -> stem 6x6x8 -> expand 6x6x16 -> dw 6x6x16 -> project 6x6x8 -> residual -> dw2 3x3x8 -> gap [8] -> logits [4].
        layers.Add(Conv(random, "stem", 3, 8, 3, 2, Activation.Relu6, input, out var stem));
        layers.Add(Conv(random, "expand", 8, 16, 1, 1, Activation.Relu6, stem, out var expand));
        layers.Add(Depthwise(random, "dw", 16, 1, Activation.Relu6, expand, out var dw));
        layers.Add(Conv(random, "project", 16, 8, 1, 1, Activation.None, dw, out var project));
        float sumScale = 1.25f * Math.Max(stem.Scale, project.Scale);
        var sum = addition switch
        {
            Activation.Relu6 => new QuantParams(Math.Min(sumScale, 6f / 255), -128),
            Activation.Relu => new QuantParams(sumScale, -128),
            _ => new QuantParams(sumScale, -40),
        };
        layers.Add(new AddLayer("residual", addition, sum) { Inputs = ["stem", "project"] });
        layers.Add(Depthwise(random, "dw2", 8, 2, Activation.None, sum, out var dw2));
        layers.Add(new GlobalAveragePoolLayer("gap"));
        layers.Add(new DenseLayer("logits", 4, Activation.None, Weights(random, 4, 8), OutputQuant(dw2, 8, Activation.None)));
        if (softmax)
        {
            layers.Add(new SoftmaxLayer("softmax"));
        }

        return new QModel(
            "OnnxGraphModel", TensorShape.Image(12, 12, 3), InputLayout.Hwc, new Preprocessing(1f / 255, 0), input,
            ["a", "b", "c", "d"], [], layers);
    }

    private static Conv2DLayer Conv(
        Random r, string name, int cin, int filters, int kernel, int stride, Activation activation, QuantParams input, out QuantParams output)
    {
        int k = cin * kernel * kernel;
        output = OutputQuant(input, k, activation);
        return new Conv2DLayer(name, filters, kernel, kernel, stride, stride, Padding.Same, activation, Weights(r, filters, k), output);
    }

    private static DepthwiseConv2DLayer Depthwise(
        Random r, string name, int channels, int stride, Activation activation, QuantParams input, out QuantParams output)
    {
        output = OutputQuant(input, 9, activation);
        return new DepthwiseConv2DLayer(name, 3, 3, stride, stride, Padding.Same, activation, Weights(r, channels, 9), output);
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

    /// <summary>
    /// As <see cref="WeightScheme.Uniform"/> (the small CNN's): about 40 steps for the accumulator's spread; ReLU6 at most
    /// [0, 6], so that ONNX Runtime folds the Clip into the quantization.
    /// </summary>
    private static QuantParams OutputQuant(QuantParams input, int k, Activation activation)
    {
        float spread = input.Scale * 0.007f * MathF.Sqrt(k) * 74 * 73;
        float scale = spread / 40;
        return activation switch
        {
            Activation.Relu6 => new QuantParams(Math.Min(scale, 6f / 255), -128),
            Activation.Relu => new QuantParams(scale, -128),
            _ => new QuantParams(scale, 0),
        };
    }
}

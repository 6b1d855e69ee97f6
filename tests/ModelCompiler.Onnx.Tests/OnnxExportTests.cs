using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Onnx.Schema;
using ModelCompiler.Testing;

using static ModelCompiler.Onnx.Tests.OnnxRuntimeRunner;

namespace ModelCompiler.Onnx.Tests;

public sealed class OnnxExportTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(FlattenOrder.Chw, false)]
    [InlineData(FlattenOrder.Hwc, true)]
    public void FloatExportComputesTheDequantizedNetwork(FlattenOrder order, bool averagePool) =>
        AssertFloatExportComputesTheFloatTwin(new TestModels(1).SmallCnn(order, averagePool));

    [Fact]
    public void GraphFloatExportComputesTheDequantizedNetwork() => AssertFloatExportComputesTheFloatTwin(GraphTestModel.Create(1));

    [Theory]
    [InlineData(FlattenOrder.Chw, false)]
    [InlineData(FlattenOrder.Hwc, true)]
    public void QdqExportAgreesWithTheInt8Interpreter(FlattenOrder order, bool averagePool)
    {
        // ORT requantizes in float and rounds int8 averages half to even; we use fixed point and half away from zero.
        // Values on a rounding boundary may differ by a step per layer, which can flip a near-tie argmax; anything
        // beyond a few steps would be an export error (wrong order, scale or zero point). 7-bit weights: on CPUs without
        // VNNI (AMD Zen 3, say) ORT's u8 x s8 kernels add pairs of products in int16 with saturation (vpmaddubsw), which
        // full-range weights and this model's large inputs overflow (ORT's quantization docs advise reduce_range there);
        // with full-range weights the agreement fell to 285/300 on such a CPU, an ORT inexactness, not an export error.
        var agreement = CompareQdqWithTheInterpreter(new TestModels(3) { SevenBitWeights = true }.SmallCnn(order, averagePool, softmax: false), RandomImage);
        Assert.True(agreement.ArgMax >= agreement.Inputs * 0.97, $"argmax agreement {agreement.ArgMax}/{agreement.Inputs}");
        Assert.True(agreement.Close >= agreement.Values * 0.99, $"{agreement.Close}/{agreement.Values} logits within 2.5 steps");
    }

    [Theory]
    [InlineData(Activation.None)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Relu6)]
    public void GraphQdqExportAgreesWithTheInt8Interpreter(Activation addition)
    {
        // ORT's QLinearAdd and QLinearConv requantize in float; the interpreter in fixed point with one rounding
        // (docs/arithmetic.md). Values on a rounding boundary differ by a step, and a step can grow through later
        // layers, so agreement is checked at the argmax and within a few output steps.
        var agreement = CompareQdqWithTheInterpreter(GraphTestModel.Create(3, softmax: false, addition), RandomScene);
        output.WriteLine(
            $"graph QDQ (addition {addition}) vs int8 interpreter: argmax {agreement.ArgMax}/{agreement.Inputs} ({agreement.Classes} classes, {agreement.DistinctOutputs} distinct outputs), " +
            $"logits exact {agreement.Exact}/{agreement.Values}, within 2.5 steps {agreement.Close}/{agreement.Values}");
        // The comparison must see varied outputs. After a fused ReLU or ReLU6 the residual is non-negative and this random
        // model's argmax varies little (1-2 classes), but its logits still vary and are compared one by one.
        Assert.True(agreement.DistinctOutputs >= 50, $"only {agreement.DistinctOutputs} distinct outputs: the comparison would say little");
        Assert.True(addition != Activation.None || agreement.Classes >= 3, $"the inputs reach only {agreement.Classes} classes: the argmax comparison would say little");
        Assert.True(agreement.ArgMax >= agreement.Inputs * 0.97, $"argmax agreement {agreement.ArgMax}/{agreement.Inputs}");
        Assert.True(agreement.Close >= agreement.Values * 0.99, $"{agreement.Close}/{agreement.Values} logits within 2.5 steps");
    }

    [Theory]
    [InlineData(Activation.None)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Relu6)]
    public void GraphQdqExportFusesCompletelyInOnnxRuntime(Activation addition)
    {
        // Depthwise convolutions become QLinearConv with groups, the addition (its activation folded into the output
        // quantization) QLinearAdd; no float Conv, Add, Relu or Clip is left.
        var optimized = Optimized(GraphTestModel.Create(5, addition: addition));
        string[] ops = optimized.Graph.Node.Select(n => n.OpType).ToArray();
        output.WriteLine("optimized graph: " + string.Join(", ", ops));
        Assert.DoesNotContain(ops, op => op is "Conv" or "Add" or "Gemm" or "MatMul" or "FusedConv" or "FusedGemm" or "Clip" or "Relu");
        Assert.Contains("QLinearAdd", ops);
        Assert.Equal(2, optimized.Graph.Node.Count(n => n.OpType == "QLinearConv" && n.Attribute.Any(a => a.Name == "group" && a.I > 1)));
    }

    [Fact]
    public void QdqExportFusesCompletelyInOnnxRuntime()
    {
        // ReLU only: ORT folds a Clip (ReLU6) into the following QuantizeLinear only when the int8 range lies inside
        // [0, 6], so a ReLU6 layer whose scale * 255 exceeds 6 stays a float FusedConv there (an ORT limitation).
        var model = new TestModels(5).SmallCnn(FlattenOrder.Chw, averagePool: false, secondConv: Activation.Relu);
        string[] ops = Optimized(model).Graph.Node.Select(n => n.OpType).ToArray();
        Assert.DoesNotContain(ops, op => op is "Conv" or "Gemm" or "MatMul" or "FusedConv" or "FusedGemm");
        Assert.Contains("QLinearConv", ops);
    }

    /// <summary>The float export computes, up to float32 reassociation, what the interpreter computes with the model's float twin.</summary>
    private static void AssertFloatExportComputesTheFloatTwin(QModel model)
    {
        var twin = new ReferenceInterpreter(FloatTwin(model));
        using var session = new InferenceSession(OnnxExporter.Export(model, OnnxExportKind.Float).ToByteArray(), Options());
        var random = new Random(2);
        for (int n = 0; n < 50; n++)
        {
            float[] x = RandomImage(random, model);
            float[] expected = twin.Run(x).Probabilities;
            float[] actual = Run(session, model, x);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.InRange(actual[i], expected[i] - 1e-4f, expected[i] + 1e-4f);
            }
        }
    }

    /// <summary>
    /// The QDQ export in ONNX Runtime against the int8 interpreter on 300 inputs: how often the argmax agrees, how many
    /// logits (the model must end without softmax: dequantized int8 logits) are equal or within 2.5 output steps.
    /// </summary>
    private static QdqAgreement CompareQdqWithTheInterpreter(QModel model, Func<Random, QModel, float[]> inputs)
    {
        var interpreter = new ReferenceInterpreter(model);
        float step = interpreter.OutputTensor.Quant!.Value.Scale;
        using var session = new InferenceSession(OnnxExporter.Export(model, OnnxExportKind.QuantizedQdq).ToByteArray(), Options());
        var random = new Random(4);
        int agree = 0, total = 300, values = 0, close = 0, exact = 0;
        var classes = new HashSet<int>();
        var outputs = new HashSet<string>();
        for (int n = 0; n < total; n++)
        {
            float[] x = inputs(random, model);
            var expected = interpreter.Run(x);
            float[] actual = Run(session, model, x);
            agree += ArgMax(actual) == expected.ArgMax ? 1 : 0;
            classes.Add(expected.ArgMax);
            outputs.Add(string.Join(",", expected.Scores));
            for (int i = 0; i < actual.Length; i++, values++)
            {
                close += Math.Abs(actual[i] - expected.Scores[i]) <= 2.5f * step ? 1 : 0;
                exact += actual[i] == expected.Scores[i] ? 1 : 0;
            }
        }

        return new QdqAgreement(total, agree, classes.Count, outputs.Count, values, exact, close);
    }

    private sealed record QdqAgreement(int Inputs, int ArgMax, int Classes, int DistinctOutputs, int Values, int Exact, int Close);

    /// <summary>The graph ONNX Runtime runs after its optimizations (fusions) for the QDQ export of <paramref name="model"/>.</summary>
    private static ModelProto Optimized(QModel model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"qdq-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = Options())
            {
                options.OptimizedModelFilePath = path;
                using var session = new InferenceSession(OnnxExporter.Export(model, OnnxExportKind.QuantizedQdq).ToByteArray(), options);
            }

            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The same network with every int8 layer turned into float32 with its dequantized constants.</summary>
    internal static QModel FloatTwin(QModel model)
    {
        var graph = TensorChain.InferGraph(model);
        var layers = new List<Layer>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var input = graph.Tensors[graph.InputsOf(i)[0]].Quant;
            var names = model.Layers[i].Inputs;
            layers.Add(model.Layers[i] switch
            {
                Conv2DLayer c => new Conv2DLayer(c.Name, c.Filters, c.KernelHeight, c.KernelWidth, c.StrideHeight, c.StrideWidth, c.Padding, c.Activation, Float(c.Weights, input), null) { Inputs = names },
                DepthwiseConv2DLayer d => new DepthwiseConv2DLayer(d.Name, d.KernelHeight, d.KernelWidth, d.StrideHeight, d.StrideWidth, d.Padding, d.Activation, Float(d.Weights, input), null) { Inputs = names },
                DenseLayer d => new DenseLayer(d.Name, d.Units, d.Activation, Float(d.Weights, input), null) { Inputs = names },
                AddLayer a => new AddLayer(a.Name, a.Activation, null) { Inputs = names },
                var other => other,
            });
        }

        return new QModel(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, null, model.Labels, model.Provenance, layers);
    }

    private static Float32Weights Float(WeightData weights, QuantParams? input)
    {
        var (w, b) = ModelCompiler.Interpreter.FloatWeights.Of(weights, input);
        return new Float32Weights(w, b);
    }

    /// <summary>
    /// Noise around a random level per channel: a global average pool of plain noise is nearly the same for every image,
    /// so these vary the pooled features (and the class) from image to image.
    /// </summary>
    private static float[] RandomScene(Random random, QModel model)
    {
        int channels = model.InputShape.Channels;
        var levels = Enumerable.Range(0, channels).Select(_ => random.NextSingle()).ToArray();
        return Enumerable.Range(0, model.InputShape.Length)
            .Select(i => Math.Clamp(levels[i % channels] + (0.4f * (random.NextSingle() - 0.5f)), 0f, 1f))
            .Select(v => MathF.Round(v * 255) / 255f)
            .ToArray();
    }

    private static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());
}

using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Onnx.Schema;
using ModelCompiler.Testing;

using static ModelCompiler.Onnx.Tests.OnnxRuntimeRunner;

namespace ModelCompiler.Onnx.Tests;

/// <summary>
/// The ONNX export of pad layers run by ONNX Runtime: the exporter's small CNN with a pad between its convolutions
/// (float against the float twin, QDQ against the int8 interpreter, and what ORT fuses), and a model that is only a pad.
/// </summary>
public sealed class PadExportTests
{
    [Fact]
    public void FloatExportWithAPadComputesTheDequantizedNetwork()
    {
        var model = new TestModels(1).SmallCnn(FlattenOrder.Chw, averagePool: false, pad: true);
        var twin = new ReferenceInterpreter(OnnxExportTests.FloatTwin(model));
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

    [Fact]
    public void QdqExportWithAPadAgreesWithTheInt8Interpreter()
    {
        // As OnnxExportTests: ORT requantizes in float, so a value on a rounding boundary may differ by a step per layer.
        var model = new TestModels(3).SmallCnn(FlattenOrder.Chw, averagePool: false, softmax: false, pad: true);
        var interpreter = new ReferenceInterpreter(model);
        float step = ((DenseLayer)model.Layers[^1]).OutputQuant!.Value.Scale;
        using var session = new InferenceSession(OnnxExporter.Export(model, OnnxExportKind.QuantizedQdq).ToByteArray(), Options());
        var random = new Random(4);
        int agree = 0, total = 300, values = 0, close = 0;
        for (int n = 0; n < total; n++)
        {
            float[] x = RandomImage(random, model);
            var expected = interpreter.Run(x);
            float[] actual = Run(session, model, x);
            agree += Array.IndexOf(actual, actual.Max()) == expected.ArgMax ? 1 : 0;
            for (int i = 0; i < actual.Length; i++, values++)
            {
                close += Math.Abs(actual[i] - expected.Scores[i]) <= 2.5f * step ? 1 : 0;
            }
        }

        Assert.True(agree >= total * 0.97, $"argmax agreement {agree}/{total}");
        Assert.True(close >= values * 0.99, $"{close}/{values} logits within 2.5 steps");
    }

    /// <summary>
    /// A model that is only a pad (then a flatten): ORT's Pad must put every value where the interpreter does and 0.0 (the
    /// zero point, in the QDQ graph) in the new cells, exactly, with nothing rounded on the way.
    /// </summary>
    [Theory]
    [InlineData(OnnxExportKind.Float)]
    [InlineData(OnnxExportKind.QuantizedQdq)]
    public void PadAloneAgreesExactlyWithTheInterpreter(OnnxExportKind kind)
    {
        var layers = new List<Layer> { new PadLayer("pad", 1, 0, 2, 1), new FlattenLayer("flatten", FlattenOrder.Chw) };
        var model = new QModel(
            "PadOnly", TensorShape.Image(3, 4, 2), InputLayout.Hwc, new Preprocessing(1f / 255f, 0f), new QuantParams(0.05f, 7),
            TestModels.Labels(4 * 7 * 2), [], layers);
        var interpreter = new ReferenceInterpreter(kind == OnnxExportKind.Float ? OnnxExportTests.FloatTwin(model) : model);
        using var session = new InferenceSession(OnnxExporter.Export(model, kind).ToByteArray(), Options());
        var random = new Random(6);
        for (int n = 0; n < 20; n++)
        {
            float[] x = RandomImage(random, model);
            Assert.Equal(interpreter.Run(x).Scores, Run(session, model, x));
        }
    }

    [Fact]
    public void QdqExportWithAPadStillFusesBothConvolutions()
    {
        // ORT 1.31's CPU optimizer keeps the pad itself in float (DequantizeLinear, Pad, QuantizeLinear): it does not
        // drop Q/DQ pairs around Pad. Both convolutions still become QLinearConv.
        var model = new TestModels(5).SmallCnn(FlattenOrder.Chw, averagePool: false, secondConv: Activation.Relu, pad: true);
        string path = Path.Combine(Path.GetTempPath(), $"qdq-pad-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = Options())
            {
                options.OptimizedModelFilePath = path;
                using var session = new InferenceSession(OnnxExporter.Export(model, OnnxExportKind.QuantizedQdq).ToByteArray(), options);
            }

            string[] ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToArray();
            Assert.DoesNotContain(ops, op => op is "Conv" or "Gemm" or "MatMul" or "FusedConv" or "FusedGemm");
            Assert.Equal(2, ops.Count(op => op == "QLinearConv"));
            Assert.Equal(1, ops.Count(op => op == "Pad"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

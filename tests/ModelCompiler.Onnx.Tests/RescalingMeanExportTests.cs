using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;

using static ModelCompiler.Onnx.Tests.OnnxRuntimeRunner;

namespace ModelCompiler.Onnx.Tests;

/// <summary>
/// The QDQ export of an int8 global average pool that rescales (<c>output_quant</c>): DequantizeLinear,
/// GlobalAveragePool, QuantizeLinear, which ONNX Runtime computes in float (the mean rounded once at the output scale),
/// where the layer computes TFLite's integer MEAN: every value within one output step of the interpreter's, not all equal.
/// </summary>
public sealed class RescalingMeanExportTests
{
    [Fact]
    public void QdqExportOfARescalingMeanIsWithinOneStepOfTheInterpreter()
    {
        var input = new QuantParams(6f / 255f, -128);
        var output = new QuantParams(0.019077832f, -120);
        var model = HandModels.Create(TensorShape.Image(7, 7, 40), input, 40, new GlobalAveragePoolLayer("mean") { OutputQuant = output });
        var interpreter = new ReferenceInterpreter(model);
        using var session = new InferenceSession(OnnxExporter.Export(model, OnnxExportKind.QuantizedQdq).ToByteArray(), Options());
        var random = new Random(5);
        int values = 0, equal = 0;
        for (int n = 0; n < 100; n++)
        {
            // Features in the input's real range [0, 6], as the interpreter quantizes them.
            float[] x = Enumerable.Range(0, model.InputShape.Length).Select(_ => (float)(random.NextDouble() * 6)).ToArray();
            float[] expected = interpreter.Run(x).Scores;
            float[] actual = Run(session, model, x);
            for (int i = 0; i < actual.Length; i++, values++)
            {
                Assert.InRange(actual[i], expected[i] - (1.01f * output.Scale), expected[i] + (1.01f * output.Scale));
                equal += actual[i] == expected[i] ? 1 : 0;
            }
        }

        Assert.True(equal >= values * 0.8, $"{equal}/{values} equal");
    }
}

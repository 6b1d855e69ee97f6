using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// The imported int8 MobileNetV2 against TFLite's own builtin kernels (tests/models/tflite/
/// tf2_mobilenet_v2_1.0_224_ptq.tflite-reference.json, written by scripts/tflite-reference/make-fixture.sh; no Node at
/// test time): the MEAN's 1,280 outputs and the whole model's 1,001 logits, byte for byte. They match because the
/// importer writes the MEAN, which rescales, as a <c>global_avgpool</c> with <c>output_quant</c> (TFLite's integer MEAN);
/// the float form it wrote before (dequantize, float32 mean, quantize) differs by a step in some of them.
/// </summary>
public sealed class MobileNetV2ReferenceOutputTests
{
    private static readonly TfliteReferenceFixture Fixture = TfliteReferenceFixture.Load("tf2_mobilenet_v2_1.0_224_ptq");

    [Fact]
    public void MeanAndLogitsMatchTflitesBuiltinKernelsByteForByte()
    {
        byte[] pixels = Fixture.Pixels(TestModels.MobileNetV2, 224);
        var model = QModelImport.Import(TestModels.MobileNetV2, new ImportOptions(Labels: ClassLabels.Read(TestModels.Labels))).Model;

        // The MEAN is one layer, the integer mean that rescales, not a dequantize/float pool/quantize sequence.
        var mean = Assert.Single(model.Layers.OfType<GlobalAveragePoolLayer>());
        Assert.Equal("mean_63", mean.Name);
        Assert.NotNull(mean.OutputQuant);
        Assert.Empty(model.Layers.OfType<DequantizeLayer>());

        sbyte[] expectedMean = Fixture.Tensor(63);
        Assert.Equal(1280, expectedMean.Length);
        var truncated = TfliteReferenceFixture.Truncated(model, model.Layers.ToList().IndexOf(mean), expectedMean.Length);
        Assert.Equal(expectedMean, new ReferenceInterpreter(truncated).Run(pixels).Int8Output!);

        // TFLite's logits are the SOFTMAX's int8 input, which is what the import outputs.
        sbyte[] expected = Fixture.Logits();
        var result = new ReferenceInterpreter(model).Run(pixels);
        Assert.Equal(1001, expected.Length);
        Assert.Equal(expected, result.Int8Output!);
        Assert.Equal(Fixture.Top1, result.ArgMax);
    }
}

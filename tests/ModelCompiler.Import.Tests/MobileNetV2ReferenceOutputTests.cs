using System.Security.Cryptography;
using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Imaging;
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
    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(TestModels.Path("tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite-reference.json"))).RootElement;

    [Fact]
    public void MeanAndLogitsMatchTflitesBuiltinKernelsByteForByte()
    {
        Assert.Equal(Fixture.GetProperty("model_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestModels.MobileNetV2))));
        byte[] pixels = ImageFile.ReadResized(TestModels.GraceHopper, 224, 224, 3).Pixels;
        Assert.Equal(Fixture.GetProperty("input_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(pixels)));
        var model = QModelImport.Import(TestModels.MobileNetV2, new ImportOptions(Labels: ClassLabels.Read(TestModels.Labels))).Model;

        // The MEAN is one layer, the integer mean that rescales, not a dequantize/float pool/quantize sequence.
        var mean = Assert.Single(model.Layers.OfType<GlobalAveragePoolLayer>());
        Assert.Equal("mean_63", mean.Name);
        Assert.NotNull(mean.OutputQuant);
        Assert.Empty(model.Layers.OfType<DequantizeLayer>());

        var tensor = Assert.Single(Fixture.GetProperty("tensors").EnumerateArray());
        Assert.Equal(63, tensor.GetProperty("operator").GetInt32());
        Assert.Equal("int8", tensor.GetProperty("dtype").GetString());
        sbyte[] expectedMean = Array.ConvertAll(Convert.FromBase64String(tensor.GetProperty("base64").GetString()!), b => (sbyte)b);
        int cut = model.Layers.ToList().IndexOf(mean);
        var truncated = new QModel(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant,
            Enumerable.Range(0, expectedMean.Length).Select(i => $"{i}").ToArray(), model.Provenance, [.. model.Layers.Take(cut + 1)]) { Rounding = model.Rounding };
        Assert.Equal(1280, expectedMean.Length);
        Assert.Equal(expectedMean, new ReferenceInterpreter(truncated).Run(pixels).Int8Output!);

        // TFLite's logits are the SOFTMAX's int8 input, which is what the import outputs.
        Assert.Equal("int8", Fixture.GetProperty("logits_dtype").GetString());
        sbyte[] expected = Array.ConvertAll(Convert.FromBase64String(Fixture.GetProperty("logits_base64").GetString()!), b => (sbyte)b);
        var result = new ReferenceInterpreter(model).Run(pixels);
        Assert.Equal(1001, expected.Length);
        Assert.Equal(expected, result.Int8Output!);
        Assert.Equal(Fixture.GetProperty("top5")[0].GetInt32(), result.ArgMax);
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Imaging;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// The imported legacy uint8 MobileNetV1 against TFLite's own builtin kernels (tests/models/tflite/
/// mobilenet_v1_0.25_128_quant.tflite-reference.json, written by scripts/tflite-reference/make-fixture.sh with TFLite's
/// WebAssembly runtime; no Node at test time): the last convolution's output (the first 27 layers: 14 CONV_2D,
/// 13 DEPTHWISE_CONV_2D) and the whole model's 1,001 logits, byte for byte. The logits match because the importer
/// marks the AVERAGE_POOL_2D <c>ties up</c> (TFLite's uint8 pool rounds half up; with the int8 rule, half away from
/// zero, 67 logits differ by a step: docs/import.md, "Comparing with TFLite itself").
/// </summary>
public sealed class TfliteReferenceOutputTests
{
    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(TestModels.Path("tflite/mobilenet_v1_0.25_128_quant.tflite-reference.json"))).RootElement;

    [Fact]
    public void ConvolutionStackMatchesTflitesBuiltinKernelsByteForByte()
    {
        Assert.Equal(Fixture.GetProperty("model_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestModels.MobileNetV1))));
        byte[] pixels = ImageFile.ReadResized(TestModels.GraceHopper, 128, 128, 3).Pixels;
        Assert.Equal(Fixture.GetProperty("input_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(pixels)));

        var model = QModelImport.Import(TestModels.MobileNetV1, new ImportOptions(Labels: ClassLabels.Read(TestModels.Labels))).Model;
        var tensor = Assert.Single(Fixture.GetProperty("tensors").EnumerateArray());
        Assert.Equal(26, tensor.GetProperty("operator").GetInt32());
        Assert.Equal("uint8", tensor.GetProperty("dtype").GetString());
        // TFLite's uint8 values minus 128: the import's exact shift to int8.
        sbyte[] expected = Array.ConvertAll(Convert.FromBase64String(tensor.GetProperty("base64").GetString()!), b => (sbyte)(b ^ 0x80));

        // Our model cut after the layer the importer made of operator 26, flattened (a model's output is a vector;
        // hwc order is TFLite's NHWC order).
        int cut = model.Layers.Select((l, i) => (l, i)).Single(p => p.l.Name == "conv_26").i;
        Layer[] layers = [.. model.Layers.Take(cut + 1), new FlattenLayer("compared_flatten", FlattenOrder.Hwc)];
        var truncated = new QModel(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant,
            Enumerable.Range(0, expected.Length).Select(i => $"{i}").ToArray(), model.Provenance, layers) { Rounding = model.Rounding };
        sbyte[] ours = new ReferenceInterpreter(truncated).Run(pixels).Int8Output!;
        Assert.Equal(expected, ours);

        // The whole model labels the photograph as TFLite does.
        Assert.Equal(Fixture.GetProperty("top5")[0].GetInt32(), new ReferenceInterpreter(model).Run(pixels).ArgMax);
    }

    [Fact]
    public void WholeModelLogitsMatchTflitesBuiltinKernelsByteForByte()
    {
        byte[] pixels = ImageFile.ReadResized(TestModels.GraceHopper, 128, 128, 3).Pixels;
        Assert.Equal(Fixture.GetProperty("input_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(pixels)));
        var model = QModelImport.Import(TestModels.MobileNetV1, new ImportOptions(Labels: ClassLabels.Read(TestModels.Labels))).Model;
        Assert.Equal(AverageTies.Up, model.Layers.OfType<Pool2DLayer>().Single().Ties);

        // TFLite's logits are the SOFTMAX's uint8 input; ours are the int8 values the import shifts by 128.
        Assert.Equal("uint8", Fixture.GetProperty("logits_dtype").GetString());
        sbyte[] expected = Array.ConvertAll(Convert.FromBase64String(Fixture.GetProperty("logits_base64").GetString()!), b => (sbyte)(b ^ 0x80));
        sbyte[] ours = new ReferenceInterpreter(model).Run(pixels).Int8Output!;
        Assert.Equal(1001, expected.Length);
        Assert.Equal(expected, ours);
    }
}

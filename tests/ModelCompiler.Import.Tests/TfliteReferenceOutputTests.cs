using ModelCompiler.Format;
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
    private static readonly TfliteReferenceFixture Fixture = TfliteReferenceFixture.Load("mobilenet_v1_0.25_128_quant");

    [Fact]
    public void ConvolutionStackMatchesTflitesBuiltinKernelsByteForByte()
    {
        byte[] pixels = Fixture.Pixels(TestModels.MobileNetV1, 128);
        var model = QModelImport.Import(TestModels.MobileNetV1, new ImportOptions(Labels: ClassLabels.Read(TestModels.Labels))).Model;

        // TFLite's uint8 values minus 128: the import's exact shift to int8.
        sbyte[] expected = Fixture.Tensor(26);

        // Our model cut after the layer the importer made of operator 26, flattened (hwc order is TFLite's NHWC order).
        int cut = model.Layers.Select((l, i) => (l, i)).Single(p => p.l.Name == "conv_26").i;
        var truncated = TfliteReferenceFixture.Truncated(model, cut, expected.Length, new FlattenLayer("compared_flatten", FlattenOrder.Hwc));
        sbyte[] ours = new ReferenceInterpreter(truncated).Run(pixels).Int8Output!;
        Assert.Equal(expected, ours);

        // The whole model labels the photograph as TFLite does.
        Assert.Equal(Fixture.Top1, new ReferenceInterpreter(model).Run(pixels).ArgMax);
    }

    [Fact]
    public void WholeModelLogitsMatchTflitesBuiltinKernelsByteForByte()
    {
        byte[] pixels = Fixture.Pixels(TestModels.MobileNetV1, 128);
        var model = QModelImport.Import(TestModels.MobileNetV1, new ImportOptions(Labels: ClassLabels.Read(TestModels.Labels))).Model;
        Assert.Equal(AverageTies.Up, model.Layers.OfType<Pool2DLayer>().Single().Ties);

        // TFLite's logits are the SOFTMAX's uint8 input; ours are the int8 values the import shifts by 128.
        sbyte[] expected = Fixture.Logits();
        sbyte[] ours = new ReferenceInterpreter(model).Run(pixels).Int8Output!;
        Assert.Equal(1001, expected.Length);
        Assert.Equal(expected, ours);
    }
}

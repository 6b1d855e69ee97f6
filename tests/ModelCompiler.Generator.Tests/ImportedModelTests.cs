using ModelCompiler.Imaging;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Models nobody here wrote: TensorFlow's MobileNetV2 (tests/models/tflite) and a QDQ CNN PyTorch exported
/// (tests/models/onnx), imported by <c>modelc-train import</c>'s code, compiled by the generator and run against the
/// reference interpreter on every vector path this process runs.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ImportedModelTests
{
    private static string File(string name) => Path.Combine(AppContext.BaseDirectory, "models", "tflite", name);

    public static IEnumerable<object[]> Paths => [[VectorPaths.Description]];

    [Theory]
    [MemberData(nameof(Paths))]
    public void ImportedMobileNetV2CompilesAndMatchesTheInterpreter(string paths)
    {
        var model = QModelImport.Import(File("tf2_mobilenet_v2_1.0_224_ptq.tflite"), new ImportOptions("MobileNetV2", ClassLabels.Read(File("imagenet_labels.txt")))).Model;
        using var compiled = CompiledModel.Build(model);

        // The photograph, on every path: the int8 logits bit for bit and the label.
        var photo = ImageFile.ReadResized(File("grace_hopper.bmp"), 224, 224, 3).Pixels;
        var expected = BitExactness.Interpreter(model).Run(photo);
        Assert.Equal("military uniform", expected.Label);
        var logits = new sbyte[model.Labels.Count];
        foreach (int bits in BitExactness.VectorWidths)
        {
            compiled.SetVectorBits(bits);
            compiled.QuantizedLogitsPixels!(photo, logits);
            Assert.True(expected.Int8Output!.AsSpan().SequenceEqual(logits), $"path {bits}: the photograph's int8 logits differ");
            Assert.Equal(653, compiled.PredictPixels(photo));
        }

        // Random pixels and float inputs, through the suite's comparison.
        BitExactness.Check(model, compiled, count: 2, seed: 13, paths);
    }

    /// <summary>
    /// MobileNetV1 0.25 in TFLite's legacy uint8 scheme: every weighted layer has a weight zero point, so every one runs
    /// on the zero-point kernels (src/ModelCompiler.Kernels/ZeroPointWeights.cs). The photograph's label is what this
    /// small model says (Arm NN's CpuRef says the same, docs/import.md), not a check of the model.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void ImportedLegacyMobileNetV1CompilesAndMatchesTheInterpreter(string paths)
    {
        var model = QModelImport.Import(File("mobilenet_v1_0.25_128_quant.tflite"), new ImportOptions("MobileNetV1", ClassLabels.Read(File("imagenet_labels.txt")))).Model;
        using var compiled = CompiledModel.Build(model);
        var photo = ImageFile.ReadResized(File("grace_hopper.bmp"), 128, 128, 3).Pixels;
        var expected = BitExactness.Interpreter(model).Run(photo);
        Assert.Equal("academic gown, academic robe, judge's robe", expected.Label); // class 401, as Arm NN says
        var logits = new sbyte[model.Labels.Count];
        foreach (int bits in BitExactness.VectorWidths)
        {
            compiled.SetVectorBits(bits);
            compiled.QuantizedLogitsPixels!(photo, logits);
            Assert.True(expected.Int8Output!.AsSpan().SequenceEqual(logits), $"path {bits}: the photograph's int8 logits differ");
        }

        BitExactness.Check(model, compiled, count: 4, seed: 23, paths);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ImportedPyTorchQdqModelCompilesAndMatchesTheInterpreter(string paths)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "models", "onnx", "pytorch-cnn-qdq-mappable.onnx");
        var model = QModelImport.Import(path, new ImportOptions("PyTorchQdq")).Model;
        using var compiled = CompiledModel.Build(model);
        BitExactness.Check(model, compiled, count: 20, seed: 17, paths);
    }
}

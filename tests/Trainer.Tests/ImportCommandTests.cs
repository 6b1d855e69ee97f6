using ModelCompiler.IO;
using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Tests;

/// <summary><c>modelc-train import</c> on the third-party TFLite models: what it prints, what it writes, and how it refuses.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("import-command-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "models", "tflite", name);

    [Fact]
    public void ImportsMobileNetV2AndSaysWhatItDid()
    {
        string target = Path.Combine(_folder, "mobilenet.qmodel");
        // The console wraps long lines at word boundaries; the checks read the text unwrapped.
        string output = CliRunner.Run0("import", Model("tf2_mobilenet_v2_1.0_224_ptq.tflite"), "-o", target, "--labels", Model("imagenet_labels.txt"), "--name", "MobileNetV2")
            .ReplaceLineEndings(" ");

        Assert.Contains("65 operators mapped, 2 folded, 1 dropped; 65 layers", output);
        Assert.Contains("operator 1 (CONV_2D 'MobileNetV2/Conv2d_0_0/relu6/Relu6') -> conv2d conv_1", output);
        Assert.Contains("operator 65 (RESHAPE", output);
        Assert.Contains("preprocess scale=0.007843138 offset=-0.9960785, input_quant scale=0.007843138 zero_point=-1; all 256 pixel values", output);
        Assert.Contains("integer mean rescaling 0.023529412 to 0.019077832", output);
        Assert.Contains("\"crane (2)\"", output);
        var model = QModelFile.Read(target);
        Assert.Equal("MobileNetV2", model.Name);
        Assert.Equal(65, model.Layers.Count);
        Assert.Equal("military uniform", model.Labels[653]);
        Assert.Equal(["mobilenet.qmodel"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    /// <summary><c>--rounding</c>: single or tflite for a TFLite model (tflite when absent), refused for ONNX, a bad value refused.</summary>
    [Fact]
    public void RoundingOptionChoosesTheRuleOfATfliteImport()
    {
        string target = Path.Combine(_folder, "v1-single.qmodel");
        var (code, output) = CliRunner.Run("import", Model("mobilenet_v1_0.25_128_quant.tflite"), "-o", target, "--rounding", "single");
        Assert.True(code == 0, output);
        Assert.Equal(Rounding.Single, QModelFile.Read(target).Rounding);

        string onnx = Path.Combine(AppContext.BaseDirectory, "models", "onnx", "pytorch-cnn-qdq-mappable.onnx");
        var (onnxCode, onnxOutput) = CliRunner.Run("import", onnx, "-o", Path.Combine(_folder, "onnx.qmodel"), "--rounding", "tflite");
        Assert.Equal(1, onnxCode);
        Assert.Contains("--rounding applies to TFLite models only", onnxOutput);
        Assert.False(File.Exists(Path.Combine(_folder, "onnx.qmodel")));

        var (badCode, badOutput) = CliRunner.Run("import", Model("mobilenet_v1_0.25_128_quant.tflite"), "-o", Path.Combine(_folder, "bad.qmodel"), "--rounding", "double");
        Assert.NotEqual(0, badCode);
        Assert.Contains("double", badOutput);
    }

    [Fact]
    public void LegacyUInt8ModelImportsWithWeightZeroPoints()
    {
        string target = Path.Combine(_folder, "v1.qmodel");
        var (code, output) = CliRunner.Run("import", Model("mobilenet_v1_0.25_128_quant.tflite"), "-o", target);

        Assert.True(code == 0, output);
        Assert.Contains("uint8 input (the legacy scheme) read as int8 p - 128", output);
        var model = QModelFile.Read(target);
        Assert.Equal(Rounding.Tflite, model.Rounding);
        Assert.All(model.Layers.OfType<WeightedLayer>(), l => Assert.NotEqual(0, ((Int8Weights)l.Weights).WeightZeroPoint));
    }

    [Fact]
    public void EveryProblemOfAnUnsupportedModelIsItsOwnLine()
    {
        var (code, output) = CliRunner.Run("import", Model("crafted/three-problems.tflite"), "-o", Path.Combine(_folder, "x.qmodel"));

        Assert.Equal(1, code);
        var lines = output.Trim().Split('\n');
        Assert.Contains("cannot import (3 problems):", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines[1..], line => Assert.StartsWith("  operator ", line));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void LabelsOfTheWrongCountAreRefused()
    {
        string labels = Path.Combine(_folder, "labels.txt");
        File.WriteAllLines(labels, ["a", "b", "c"]);
        var (code, output) = CliRunner.Run("import", Model("tf2_mobilenet_v2_1.0_224_ptq.tflite"), "-o", Path.Combine(_folder, "x.qmodel"), "--labels", labels);

        Assert.Equal(1, code);
        Assert.Contains("error: the labels list 3 classes but the model outputs 1001", output);
        Assert.False(File.Exists(Path.Combine(_folder, "x.qmodel")));
    }
}

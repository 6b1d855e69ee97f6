using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.IO;

namespace ModelCompiler.Trainer.Tests;

/// <summary>
/// Issue 13's acceptance for float ONNX: the same float network quantized by the trainer's <c>ptq</c> and by
/// <c>import</c> of its float ONNX export (mapped back, then the same calibration) scores within 0.5 points on
/// Fashion-MNIST. The ONNX path goes through the importer's mapping: a wrong layout, flatten order, fused
/// activation or weight transposition would cost tens of points.
/// </summary>
[Collection("fashion")]
public sealed class FloatOnnxImportTests(TrainedFashionModel trained)
{
    private const string Samples = "300";
    private const string TestLimit = "--test-limit=1000";

    [Fact]
    public void Float_onnx_through_ptq_scores_within_half_a_point_of_the_trainers_ptq_of_the_same_network()
    {
        string stem = trained.Folder.File("float-export");
        CliRunner.Run0("export-onnx", trained.ModelPath, "-o", stem);
        Assert.False(File.Exists(stem + ".int8.onnx"));

        string byTrainer = trained.Folder.File("ptq-trainer.qmodel");
        CliRunner.Run0("ptq", "--from", trained.ModelPath, "--mode", "full-int8", "--calibration-samples", Samples, TestLimit, "-o", byTrainer);
        string byImport = trained.Folder.File("ptq-import.qmodel");
        string printed = CliRunner.Run0("import", stem + ".float.onnx", "--data", "fashion-mnist", "--calibration-samples", Samples, TestLimit, "-o", byImport)
            .ReplaceLineEndings(" ");

        Assert.Contains("-> conv2d conv_0 (float32, activation relu)", printed);
        Assert.Contains("-> flatten flatten_", printed);
        var trainer = Report(byTrainer);
        var imported = Report(byImport);
        // The float network is the same function whichever way it was read.
        Assert.True(Math.Abs(trainer.Float - imported.Float) <= 0.001, $"float accuracy: trainer {trainer.Float:P2}, imported {imported.Float:P2}\n{printed}");
        Assert.True(trainer.Int8 >= 0.6, $"trainer PTQ int8 accuracy {trainer.Int8:P2}");
        Assert.True(Math.Abs(trainer.Int8 - imported.Int8) <= 0.005,
            $"int8 accuracy: trainer PTQ {trainer.Int8:P2}, float ONNX import + PTQ {imported.Int8:P2} (more than 0.5 points apart)\n{printed}");

        var model = QModelFile.Read(byImport);
        Assert.All(model.Layers.OfType<WeightedLayer>(), l => Assert.Equal(Precision.Int8, l.Precision));
        Assert.Contains(model.Provenance, p => p.Key == "training.import" && p.Value.StartsWith("float model float-export.float.onnx", StringComparison.Ordinal));
    }

    [Fact]
    public void A_float_model_without_images_is_one_clear_error_and_float32_mode_writes_it_unquantized()
    {
        string model = Path.Combine(AppContext.BaseDirectory, "models", "onnx", "pytorch-cnn-float.onnx");
        string target = trained.Folder.File("pytorch-float.qmodel");
        var (code, output) = CliRunner.Run("import", model, "-o", target);

        Assert.Equal(1, code);
        Assert.Contains("is a float model: quantizing it needs images, --calibration-dir DIR (class folders) or --data fashion-mnist", output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(File.Exists(target));

        CliRunner.Run0("import", model, "--mode", "float32", "-o", target);
        var written = QModelFile.Read(target);
        Assert.All(written.Layers.OfType<WeightedLayer>(), l => Assert.Equal(Precision.Float32, l.Precision));
        Assert.Null(written.InputQuant);
    }

    private static (double Float, double Int8) Report(string output)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        return (root.GetProperty("float_accuracy").GetDouble(), root.GetProperty("int8_accuracy").GetDouble());
    }
}

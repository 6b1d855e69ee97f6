using ModelCompiler.IO;
using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Export;

namespace ModelCompiler.Trainer.Tests;

[Collection("fashion")]
public sealed class QuantizationAwareTrainingTests(TrainedFashionModel trained)
{
    [Fact]
    public void Qat_export_runs_in_the_interpreter_with_high_accuracy_and_agreement()
    {
        string output = trained.Folder.File("qat.qmodel");
        string printed = CliRunner.Run0("qat", "--from", trained.ModelPath, TrainedFashionModel.Subset, TrainedFashionModel.TestSubset, "--epochs", "1", "-o", output);

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        double int8 = root.GetProperty("int8_accuracy").GetDouble();
        double agreement = root.GetProperty("argmax_agreement").GetDouble();
        Assert.True(int8 >= 0.75, $"int8 accuracy of the exported file {int8:P2} < 75 %\n{printed}");
        Assert.True(agreement >= 0.98, $"argmax agreement {agreement:P2} < 98 %\n{printed}");
        foreach (string key in new[] { "float_accuracy", "qat_accuracy", "float_bytes", "qmodel_bytes", "weight_bytes" })
        {
            Assert.True(root.GetProperty(key).GetDouble() > 0, key);
        }

        Assert.Equal(new FileInfo(output).Length, root.GetProperty("qmodel_bytes").GetInt64());
        Assert.True(File.Exists(output + ".curves.png"));
        Assert.Contains("int8 accuracy of the file", printed);

        // The QAT model reloads with its observer ranges (registered buffers): same fake-quant accuracy.
        string reloaded = CliRunner.Run0("evaluate", output + ".tsm", TrainedFashionModel.TestSubset);
        Assert.Contains((root.GetProperty("qat_accuracy").GetDouble() * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %", reloaded);

        var model = QModelFile.Read(output);
        Assert.NotNull(model.InputQuant);
        Assert.All(model.Layers.OfType<Conv2DLayer>(), c => Assert.Equal(Precision.Int8, c.Precision));
        Assert.All(model.Layers.OfType<DenseLayer>(), d => Assert.Equal(Precision.Int8, d.Precision));
        Assert.Equal(10, model.Labels.Count);
    }

    [Fact]
    public void Selective_qat_writes_the_selected_precisions_and_boundaries()
    {
        string output = trained.Folder.File("selective.qmodel");
        CliRunner.Run0("qat", "--from", trained.ModelPath, "--train-limit=1000", "--test-limit=300", "--epochs", "1",
            "--layers", "conv1,conv2,dense1", "-o", output);

        var model = QModelFile.Read(output);
        var precisions = model.Layers.Select(l => l switch
        {
            Conv2DLayer c => (l.Name, (Precision?)c.Precision),
            DenseLayer d => (l.Name, d.Precision),
            _ => (l.Name, null),
        }).Where(p => p.Item2 is not null).ToDictionary(p => p.Name, p => p.Item2!.Value);
        Assert.Equal(Precision.Int8, precisions["conv1"]);
        Assert.Equal(Precision.Int8, precisions["conv2"]);
        Assert.Equal(Precision.Int8, precisions["dense1"]);
        Assert.Equal(Precision.Float32, precisions["dense2"]);
        int dense2 = model.Layers.ToList().FindIndex(l => l.Name == "dense2");
        Assert.IsType<DequantizeLayer>(model.Layers[dense2 - 1]);

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        Assert.Equal("float32", report.RootElement.GetProperty("layer_precisions").GetProperty("dense2").GetString());
        Assert.True(report.RootElement.GetProperty("argmax_agreement").GetDouble() >= 0.95);
    }

    [Fact]
    public void Qat_by_layer_type_quantizes_only_that_type_with_a_quantize_layer_at_the_boundary()
    {
        string output = trained.Folder.File("dense-only.qmodel");
        CliRunner.Run0("qat", "--from", trained.ModelPath, "--train-limit=600", "--test-limit=200", "--epochs", "1",
            "--layer-types", "dense", "-o", output);

        var model = QModelFile.Read(output);
        Assert.Null(model.InputQuant);
        Assert.All(model.Layers.OfType<Conv2DLayer>(), c => Assert.Equal(Precision.Float32, c.Precision));
        Assert.All(model.Layers.OfType<DenseLayer>(), d => Assert.Equal(Precision.Int8, d.Precision));
        Assert.Single(model.Layers.OfType<QuantizeLayer>());
    }

    [Theory]
    [InlineData("full-int8", Precision.Int8)]
    [InlineData("dynamic", Precision.DynamicInt8)]
    [InlineData("float16", Precision.Float16)]
    public void Ptq_modes_export_files_the_interpreter_runs(string mode, Precision expected)
    {
        string output = trained.Folder.File($"ptq-{mode}.qmodel");
        CliRunner.Run0("ptq", "--from", trained.ModelPath, "--mode", mode, "--calibration-samples", "500", "--train-limit=2000", "--test-limit=500", "-o", output);

        var model = QModelFile.Read(output);
        Assert.All(model.Layers.OfType<Conv2DLayer>(), c => Assert.Equal(expected, c.Precision));
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.True(root.GetProperty("int8_accuracy").GetDouble() >= root.GetProperty("float_accuracy").GetDouble() - 0.05, mode);
        Assert.True(root.GetProperty("argmax_agreement").GetDouble() >= 0.97, mode);
    }

    [Fact]
    public void Inspect_and_evaluate_read_the_exported_file()
    {
        string output = trained.Folder.File("inspect.qmodel");
        CliRunner.Run0("ptq", "--from", trained.ModelPath, "--mode", "full-int8", "--calibration-samples", "200", "--test-limit=200", "-o", output);
        string table = CliRunner.Run0("inspect", output);
        Assert.Contains("conv1", table);
        Assert.Contains("Conv2D", table);
        Assert.Contains("int8", table);
        Assert.Contains("MACs", table);
        string evaluated = CliRunner.Run0("evaluate", output, "--test-limit=200");
        Assert.Contains("reference interpreter", evaluated);
        Assert.Contains("TorchSharp", CliRunner.Run0("evaluate", trained.ModelPath, "--test-limit=200"));
        Assert.Contains("TorchSharp", CliRunner.Run0("evaluate", trained.ModelPath + ".checkpoints", "--test-limit=200"));
    }
}

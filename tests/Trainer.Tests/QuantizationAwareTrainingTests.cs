using ModelCompiler.IO;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Export;

namespace ModelCompiler.Trainer.Tests;

[Trait("Category", "Slow")]
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
    public void Qat_with_seven_bit_weights_writes_weight_bits_7_and_weights_within_63()
    {
        string output = trained.Folder.File("qat7.qmodel");
        string printed = CliRunner.Run0("qat", "--from", trained.ModelPath, "--train-limit=1000", "--test-limit=500", "--epochs", "1",
            "--weight-bits", "7", "-o", output);

        var model = QModelFile.Read(output);
        var int8 = model.Layers.Select(l => l switch
        {
            Conv2DLayer c => c.Weights,
            DenseLayer d => d.Weights,
            _ => null,
        }).OfType<Int8Weights>().ToList();
        Assert.Equal(4, int8.Count);
        Assert.All(int8, w =>
        {
            Assert.Equal(7, w.WeightBits);
            Assert.InRange(w.Values.Min(v => (int)v), -63, 0);
            Assert.InRange(w.Values.Max(v => (int)v), 0, 63);
        });
        Assert.Contains(int8, w => w.Values.Any(v => Math.Abs(v) == 63)); // the range is used, not just respected
        Assert.Equal(4, Regex.Count(File.ReadAllText(output), "^  weight_bits 7$", RegexOptions.Multiline));
        Assert.Contains("(7-bit weights)", printed);

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.True(root.GetProperty("argmax_agreement").GetDouble() >= 0.98, printed);
        Assert.Equal(7, root.GetProperty("weight_bits").GetProperty("conv1").GetInt32());

        // The QAT model remembers its weight width: reloaded, it simulates 7-bit weights again (same accuracy).
        string reloaded = CliRunner.Run0("evaluate", output + ".tsm", "--test-limit=500");
        Assert.Contains((root.GetProperty("qat_accuracy").GetDouble() * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %", reloaded);
    }

    [Fact]
    public void Ptq_full_int8_takes_weight_bits_and_the_other_modes_refuse_it()
    {
        string output = trained.Folder.File("ptq7.qmodel");
        CliRunner.Run0("ptq", "--from", trained.ModelPath, "--mode", "full-int8", "--weight-bits", "7", "--calibration-samples", "200", "--test-limit=200", "-o", output);
        Assert.All(QModelFile.Read(output).Layers.OfType<Conv2DLayer>(), c => Assert.Equal(7, ((Int8Weights)c.Weights).WeightBits));

        var (code, printed) = CliRunner.Run("ptq", "--from", trained.ModelPath, "--mode", "dynamic", "--weight-bits", "7", "-o", trained.Folder.File("dyn7.qmodel"));
        Assert.Equal(1, code);
        Assert.Contains("--weight-bits applies to --mode full-int8 only", printed);
        Assert.NotEqual(0, CliRunner.Run("qat", "--from", trained.ModelPath, "--weight-bits", "6").ExitCode);
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

using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Native;

namespace ModelCompiler.Trainer.Tests;

/// <summary>
/// A small graph model (conv and depthwise with batch normalization, ReLU6, a residual addition) trains, fine-tunes
/// quantization-aware and exports a version 2 file whose int8 arithmetic the reference interpreter runs with the same
/// argmax as the fake-quantized network; post-training quantization of the same model too.
/// </summary>
[Trait("Category", "Slow")]
public sealed class GraphQuantizationTests
{
    private const string Description = """
        { "name": "tiny_residual", "input": [28, 28, 1], "layers": [
          { "type": "conv2d", "name": "stem", "filters": 8, "kernel": 3, "stride": 2, "padding": "same", "batch_norm": true, "activation": "relu6" },
          { "type": "conv2d", "name": "expand", "filters": 16, "kernel": 1, "batch_norm": true, "activation": "relu6" },
          { "type": "depthwise_conv2d", "name": "dw", "kernel": 3, "padding": "same", "batch_norm": true, "activation": "relu6" },
          { "type": "conv2d", "name": "project", "filters": 8, "kernel": 1, "batch_norm": true },
          { "type": "add", "name": "sum", "inputs": ["stem", "project"] },
          { "type": "depthwise_conv2d", "name": "down", "kernel": 3, "stride": 2, "padding": "valid", "activation": "relu6" },
          { "type": "globalavgpool", "name": "gap" },
          { "type": "dense", "name": "logits", "units": 10 } ] }
        """;

    private const string TrainSubset = "--train-limit=2000";
    private const string TestSubset = "--test-limit=500";

    [Fact]
    public void Qat_and_ptq_of_a_residual_graph_export_int8_files_that_agree_with_the_simulation()
    {
        using var folder = new TestFolder();
        File.WriteAllText(folder.File("tiny.json"), Description);
        string model = folder.File("tiny.tsm");
        CliRunner.Run0("train", "--model", folder.File("tiny.json"), TrainSubset, TestSubset, "--epochs", "2", "--lr", "0.01", "--batch-size", "32", "-o", model);

        // 63 steps: batch statistics for 20, then frozen (both paths of the simulation run).
        string output = folder.File("tiny.qmodel");
        string printed = CliRunner.Run0("qat", "--from", model, TrainSubset, TestSubset, "--epochs", "1", "--batch-size", "32", "--freeze-bn-after", "20", "-o", output);
        var (agreement, int8) = Report(output);
        Assert.True(agreement >= 0.98, $"argmax agreement {agreement:P2} < 98 %\n{printed}");
        // Chance is 10 %; two short float epochs and one QAT epoch of this small network reach about 60 %.
        Assert.True(int8 >= 0.3, $"int8 accuracy {int8:P2} < 30 %\n{printed}");
        Assert.Contains("batch norm statistics frozen after 20 steps", File.ReadAllText(output));

        var qmodel = QModelFile.Read(output);
        Assert.StartsWith("qmodel 2\n", File.ReadAllText(output));
        Assert.All(qmodel.Layers.OfType<WeightedLayer>(), l => Assert.Equal(Precision.Int8, l.Precision));
        Assert.Equal(2, qmodel.Layers.OfType<DepthwiseConv2DLayer>().Count());
        var sum = qmodel.Layers.OfType<AddLayer>().Single();
        Assert.Equal(["stem", "project"], sum.Inputs);
        Assert.NotNull(sum.OutputQuant);
        Assert.DoesNotContain(qmodel.Layers, l => l is QuantizeLayer or DequantizeLayer);
        var dw = qmodel.Layers.OfType<DepthwiseConv2DLayer>().First();
        Assert.Equal(16, ((Int8Weights)dw.Weights).Scales.Length); // per-channel weights

        // inspect names each layer's input tensors (the addition reads two that are not its predecessor).
        string table = CliRunner.Run0("inspect", output);
        Assert.Contains("format version 2", table);
        Assert.Matches(@"sum\s+│ Add\s+│ stem, project\s+│ \[14x14x8\]", table);

        // The QAT model reloads (batch normalizations, observers, step count) and evaluates as it did.
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        string reloaded = CliRunner.Run0("evaluate", output + ".tsm", TestSubset);
        Assert.Contains((report.RootElement.GetProperty("qat_accuracy").GetDouble() * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %", reloaded);

        // evaluate runs the version 2 file through the reference interpreter; export-onnx writes both graphs.
        string evaluated = CliRunner.Run0("evaluate", output, TestSubset);
        Assert.Contains((int8 * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %", evaluated);
        CliRunner.Run0("export-onnx", output, "-o", folder.File("tiny"));
        Assert.True(new FileInfo(folder.File("tiny.int8.onnx")).Length > 0);
        Assert.True(new FileInfo(folder.File("tiny.float.onnx")).Length > 0);

        string ptq = folder.File("tiny-ptq.qmodel");
        printed = CliRunner.Run0("ptq", "--from", model, TrainSubset, TestSubset, "--mode", "full-int8", "--calibration-samples", "300", "-o", ptq);
        (agreement, _) = Report(ptq);
        Assert.True(agreement >= 0.98, $"PTQ argmax agreement {agreement:P2} < 98 %\n{printed}");
    }

    [Fact]
    public void Intel_mobilenet_needs_at_most_a_quarter_of_intel_cnns_multiply_accumulates_and_weight_bytes()
    {
        TorchRuntime.EnsureLoaded();
        var cnn = Cost(BuiltInModels.IntelCnn);
        var mobile = Cost(BuiltInModels.IntelMobileNet());
        Assert.True(mobile.MultiplyAccumulates * 4 <= cnn.MultiplyAccumulates, $"{mobile.MultiplyAccumulates:N0} vs {cnn.MultiplyAccumulates:N0} MACs");
        Assert.True(mobile.WeightBytes * 4 <= cnn.WeightBytes, $"{mobile.WeightBytes:N0} vs {cnn.WeightBytes:N0} weight bytes");
        Assert.True(Cost(BuiltInModels.IntelMobileNet(0.5)).MultiplyAccumulates < mobile.MultiplyAccumulates);
    }

    private static LayerCost Cost(ModelDescription description)
    {
        using var network = new GraphNetwork(description);
        return LayerCost.Total(QModelExporter.Export(network, ["a", "b", "c", "d", "e", "f"], []));
    }

    private static (double Agreement, double Int8) Report(string output)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        return (root.GetProperty("argmax_agreement").GetDouble(), root.GetProperty("int8_accuracy").GetDouble());
    }
}

using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Native;

namespace ModelCompiler.Trainer.Tests;

/// <summary>The seed's annotate example (MaxPool2D layers only) and the provenance an exported model carries.</summary>
[Trait("Category", "Slow")]
[Collection("fashion")]
public sealed class PoolQuantizationTests(TrainedFashionModel trained)
{
    [Fact]
    public void Qat_of_the_max_pools_only_runs_them_in_int8_between_quantize_and_dequantize_layers()
    {
        string output = trained.Folder.File("pools.qmodel");
        string printed = CliRunner.Run0("qat", "--from", trained.ModelPath, "--train-limit=600", "--test-limit=300", "--epochs", "1",
            "--layer-types", "maxpool2d", "-o", output);

        var model = QModelFile.Read(output);
        Assert.Null(model.InputQuant);
        Assert.All(model.Layers.OfType<Conv2DLayer>(), c => Assert.Equal(Precision.Float32, c.Precision));
        Assert.All(model.Layers.OfType<DenseLayer>(), d => Assert.Equal(Precision.Float32, d.Precision));
        Assert.Equal(
            ["conv1", "conv1_quantize", "pool1", "conv2_dequantize", "conv2", "conv2_quantize", "pool2", "flatten1", "dense1_dequantize", "dense1", "dense2", "softmax"],
            model.Layers.Select(l => l.Name));

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.Equal("int8", root.GetProperty("layer_precisions").GetProperty("pool1").GetString());
        Assert.Equal("float32", root.GetProperty("layer_precisions").GetProperty("conv1").GetString());
        Assert.Equal("qat-selective", root.GetProperty("mode").GetString());
        Assert.True(root.GetProperty("argmax_agreement").GetDouble() >= 0.98, printed);
        Assert.True(root.GetProperty("int8_accuracy").GetDouble() >= 0.75, printed);
        Assert.Equal(root.GetProperty("float_bytes").GetInt64(), root.GetProperty("weight_bytes").GetInt64());

        // Reloaded, the fine-tuned model quantizes the same pools again (they are in its metadata): same accuracy.
        string reloaded = CliRunner.Run0("evaluate", output + ".tsm", "--test-limit=300");
        Assert.Contains((root.GetProperty("qat_accuracy").GetDouble() * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %", reloaded);
    }

    [Fact]
    public void One_pool_by_name_and_pools_with_dense_layers_share_the_int8_region()
    {
        string one = trained.Folder.File("pool1.qmodel");
        CliRunner.Run0("qat", "--from", trained.ModelPath, "--train-limit=300", "--test-limit=100", "--epochs", "1", "--layers", "pool1", "-o", one);
        Assert.Equal(
            ["conv1", "conv1_quantize", "pool1", "conv2_dequantize", "conv2", "pool2", "flatten1", "dense1", "dense2", "softmax"],
            QModelFile.Read(one).Layers.Select(l => l.Name));

        // pool2 after a float conv2 feeds an int8 dense1 directly: one quantize layer, no dequantize in between.
        string mixed = trained.Folder.File("pools-dense.qmodel");
        CliRunner.Run0("qat", "--from", trained.ModelPath, "--train-limit=300", "--test-limit=100", "--epochs", "1", "--layer-types", "maxpool2d,dense", "-o", mixed);
        Assert.Equal(
            ["conv1", "conv1_quantize", "pool1", "conv2_dequantize", "conv2", "conv2_quantize", "pool2", "flatten1", "dense1", "dense2", "softmax"],
            QModelFile.Read(mixed).Layers.Select(l => l.Name));

        var (code, output) = CliRunner.Run("qat", "--from", trained.ModelPath, "--layer-types", "softmax", "-o", trained.Folder.File("x.qmodel"));
        Assert.Equal(1, code);
        Assert.Contains("conv2d, dense, maxpool2d", output);
    }

    [Fact]
    public void A_pool_that_does_not_follow_a_conv_or_dense_layer_cannot_run_in_int8()
    {
        TorchRuntime.EnsureLoaded();
        var description = ModelDescription.FromJson(
            """{ "name": "two_pools", "input": [8, 8, 1], "layers": [ { "type": "conv2d", "filters": 2, "kernel": 3 }, { "type": "maxpool2d" }, { "type": "maxpool2d" }, { "type": "flatten" }, { "type": "dense", "units": 2 } ] }""",
            "two_pools.json");
        using var network = new GraphNetwork(description);
        network.SelectQuantizedPools(["pool1"]);
        var error = Assert.Throws<ModelDescriptionException>(() => network.SelectQuantizedPools(["pool2"]));
        Assert.Contains("only right after a conv2d or dense layer", error.Message);
        Assert.Throws<ModelDescriptionException>(() => network.SelectQuantizedPools(["conv1"]));
    }

    [Fact]
    public void The_exported_file_names_the_data_its_split_each_training_recipe_and_its_figures()
    {
        string output = trained.Folder.File("provenance.qmodel");
        CliRunner.Run0("qat", "--from", trained.ModelPath, "--train-limit=300", "--test-limit=100", "--val-fraction", "0.1", "--epochs", "1",
            "--keep-best", "--dataset-name", "Fashion-MNIST (Zalando), Debian package", "-o", output);

        var provenance = QModelFile.Read(output).Provenance.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("Fashion-MNIST (Zalando), Debian package", provenance["dataset"]);
        // 10 % of each class, rounded per class, of the 300 training images.
        var split = System.Text.RegularExpressions.Regex.Match(provenance["data_split"], @"^(\d+) training, (\d+) validation \(10% of each class of the training images, seed \d+\), 100 test ");
        Assert.True(split.Success, provenance["data_split"]);
        Assert.Equal(300, int.Parse(split.Groups[1].Value) + int.Parse(split.Groups[2].Value));
        Assert.InRange(int.Parse(split.Groups[2].Value), 25, 35);
        Assert.StartsWith("3 epochs, batch 64, Adam lr 0.001", provenance["training.float"]);
        Assert.Contains("kept epoch 1 of 1 (best validation accuracy", provenance["training.qat"]);
        Assert.Contains("7-bit weights", provenance["training.qat"]);

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        Assert.Equal(report.RootElement.GetProperty("int8_accuracy").GetDouble(), double.Parse(provenance["int8_accuracy"], System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.Equal(report.RootElement.GetProperty("argmax_agreement").GetDouble(), double.Parse(provenance["argmax_agreement"], System.Globalization.CultureInfo.InvariantCulture), 4);
    }
}

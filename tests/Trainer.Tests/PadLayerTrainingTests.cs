using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.IO;

namespace ModelCompiler.Trainer.Tests;

/// <summary>A description with pad layers trains, fine-tunes quantization-aware and exports a file the interpreter agrees with.</summary>
[Trait("Category", "Slow")]
public sealed class PadLayerTrainingTests
{
    private const string Description = """
        { "name": "padded", "input": [28, 28, 1], "layers": [
          { "type": "pad", "pads": [1, 2, 0, 1] },
          { "type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu" },
          { "type": "maxpool2d", "pool": 2 },
          { "type": "pad", "pads": [1] },
          { "type": "conv2d", "filters": 8, "kernel": 3, "stride": 2, "activation": "relu" },
          { "type": "flatten" },
          { "type": "dense", "units": 10 } ] }
        """;

    [Fact]
    public void Pad_layers_train_quantize_and_export_as_int8_pads_that_keep_their_input_quantization()
    {
        using var folder = new TestFolder();
        File.WriteAllText(folder.File("padded.json"), Description);
        string model = folder.File("padded.tsm");
        CliRunner.Run0("train", "--model", folder.File("padded.json"), "--train-limit=3000", "--test-limit=500", "--epochs", "1", "-o", model);
        string output = folder.File("padded.qmodel");
        string printed = CliRunner.Run0("qat", "--from", model, "--train-limit=3000", "--test-limit=500", "--epochs", "1", "-o", output);

        var qmodel = QModelFile.Read(output);
        var pads = qmodel.Layers.OfType<PadLayer>().ToArray();
        Assert.Equal([(1, 2, 0, 1), (1, 1, 1, 1)], pads.Select(p => (p.Top, p.Bottom, p.Left, p.Right)));
        Assert.Equal(["pad1", "pad2"], pads.Select(p => p.Name));
        var tensors = TensorChain.Infer(qmodel);
        foreach (var pad in pads)
        {
            int i = qmodel.Layers.ToList().IndexOf(pad);
            Assert.Equal(ElementKind.Int8, tensors[i].Kind);
            Assert.Equal(tensors[i].Quant, tensors[i + 1].Quant);
        }

        Assert.Equal(TensorShape.Image(31, 29, 1), tensors[1].Shape);
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        double agreement = report.RootElement.GetProperty("argmax_agreement").GetDouble();
        double int8 = report.RootElement.GetProperty("int8_accuracy").GetDouble();
        Assert.True(agreement >= 0.97, $"argmax agreement {agreement:P2} < 97 %\n{printed}");
        // One epoch on 3,000 images trains this small network to about 60 %; the floor only says it learned (chance is 10 %).
        Assert.True(int8 >= 0.4, $"int8 accuracy {int8:P2} < 40 %\n{printed}");

        string table = CliRunner.Run0("inspect", output);
        Assert.Contains("pad1", table);
        Assert.Contains("Pad", table);
        Assert.Contains("[31x29x1]", table);
    }

    [Fact]
    public void A_pad_layer_with_a_negative_or_missing_amount_is_a_description_error()
    {
        using var folder = new TestFolder();
        File.WriteAllText(folder.File("bad.json"), Description.Replace("[1, 2, 0, 1]", "[1, -2]"));
        var (code, output) = CliRunner.Run("train", "--model", folder.File("bad.json"), "-o", folder.File("bad.tsm"));
        Assert.Equal(1, code);
        Assert.Contains("pad layer 'pad1' needs \"pads\"", output);

        File.WriteAllText(folder.File("missing.json"), Description.Replace(", \"pads\": [1]", ""));
        (code, output) = CliRunner.Run("train", "--model", folder.File("missing.json"), "-o", folder.File("missing.tsm"));
        Assert.Equal(1, code);
        Assert.Contains("pad layer 'pad2' needs \"pads\"", output);
    }
}

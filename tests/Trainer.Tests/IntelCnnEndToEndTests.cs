using ModelCompiler.IO;
using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Models;

namespace ModelCompiler.Trainer.Tests;

[Trait("Category", "Slow")]
public sealed class IntelCnnEndToEndTests
{
    [Fact]
    public void Intel_cnn_trains_on_an_image_folder_and_exports_a_qmodel_the_interpreter_runs()
    {
        using var folder = new TestFolder();
        var random = new Random(21);
        foreach (var (split, count) in new[] { ("seg_train", 4), ("seg_test", 1) })
        {
            for (int c = 0; c < SyntheticScenes.Classes.Length; c++)
            {
                string dir = Path.Combine(folder.Path, "intel", split, SyntheticScenes.Classes[c]);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < count; i++)
                {
                    var pixels = SyntheticScenes.Draw(c, random);
                    string file = Path.Combine(dir, $"{i}");
                    if (i % 2 == 0)
                    {
                        GeneratedImages.WriteJpeg(file + ".jpg", pixels, SyntheticScenes.Size, SyntheticScenes.Size);
                    }
                    else
                    {
                        GeneratedImages.WritePng(file + ".png", pixels, SyntheticScenes.Size, SyntheticScenes.Size);
                    }
                }
            }
        }

        File.WriteAllText(Path.Combine(folder.Path, "intel", "seg_train", "forest", "truncated.jpg"), "garbage");
        string data = Path.Combine(folder.Path, "intel");
        string model = folder.File("intel.tsm");
        string trained = CliRunner.Run0("train", "--model", "intel-cnn", "--data-dir", data, "--epochs", "1", "--batch-size", "8", "--augment", "-o", model);
        Assert.Contains("1 skipped", trained);
        Assert.Contains("truncated.jpg", trained);

        string output = folder.File("intel.qmodel");
        CliRunner.Run0("qat", "--from", model, "--data-dir", data, "--epochs", "1", "--batch-size", "8", "--calibration-samples", "24", "-o", output);

        var qmodel = QModelFile.Read(output);
        Assert.Equal(TensorShape.Image(100, 100, 3), qmodel.InputShape);
        Assert.Equal(SyntheticScenes.Classes, qmodel.Labels);
        var convs = qmodel.Layers.OfType<Conv2DLayer>().ToArray();
        Assert.Equal([32, 64, 128], convs.Select(c => c.Filters));
        Assert.All(convs, c => Assert.Equal((3, 3, Padding.Valid), (c.KernelHeight, c.KernelWidth, c.Padding)));
        Assert.Equal([256, 512, 6], qmodel.Layers.OfType<DenseLayer>().Select(d => d.Units));
        Assert.Equal(12800, qmodel.Layers.OfType<DenseLayer>().First().Weights.WeightCount / 256);

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        Assert.Equal(6, report.RootElement.GetProperty("test_images").GetInt32());
        Assert.True(report.RootElement.GetProperty("argmax_agreement").GetDouble() >= 5.0 / 6);
    }
}

using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// A QDQ model PyTorch wrote (scripts/make-onnx-mappable-qdq-model.py: FX QAT, uint8 activations, per-channel int8
/// weights, ReLU6 after its QuantizeLinear, a requantizing Flatten, a zero Pad) imports, and the imported model
/// computes what PyTorch's fake-quantized network computed for the same pixels (pytorch-cnn-qdq-mappable.json).
/// </summary>
public sealed class PyTorchQdqImportTests
{
    private static readonly Lazy<ImportedModel> Imported = new(() => QModelImport.Import(TestModels.Path("onnx/pytorch-cnn-qdq-mappable.onnx"), new ImportOptions()));

    [Fact]
    public void EveryOperatorIsMappedFoldedOrDropped()
    {
        var report = Imported.Value.Report;
        var ops = Imported.Value.Model.Layers.GroupBy(l => l.Op).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, ops[LayerOp.Conv2D]);
        Assert.Equal(1, ops[LayerOp.DepthwiseConv2D]);
        Assert.Equal(2, ops[LayerOp.Dense]);
        Assert.Equal(1, ops[LayerOp.Add]);
        Assert.Contains(Imported.Value.Model.Layers, l => l is DepthwiseConv2DLayer { Activation: Activation.Relu6 });
        Assert.Contains(report.Dropped, d => d.Contains("Pad", StringComparison.Ordinal));
        Assert.Contains("p / 255", report.Preprocessing);
    }

    [Fact]
    public void TheImportedModelComputesWhatPyTorchComputed()
    {
        var model = Imported.Value.Model;
        using var json = JsonDocument.Parse(File.ReadAllText(TestModels.Path("onnx/pytorch-cnn-qdq-mappable.json")));
        var pixels = json.RootElement.GetProperty("pixels_chw").EnumerateArray().ToList();
        var logits = json.RootElement.GetProperty("logits").EnumerateArray().ToList();
        var output = ((WeightedLayer)model.Layers[^1]).OutputQuant!.Value;
        var interpreter = new ReferenceInterpreter(model);
        var (h, w, c) = (model.InputShape.Height, model.InputShape.Width, model.InputShape.Channels);
        double worst = 0;
        for (int n = 0; n < pixels.Count; n++)
        {
            var chw = pixels[n].EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray();
            var hwc = new byte[chw.Length];
            for (int i = 0; i < chw.Length; i++)
            {
                hwc[(((i / w) % h) * w + (i % w)) * c + (i / (h * w))] = chw[i];
            }

            var scores = interpreter.Run(hwc).Scores;
            var expected = logits[n].EnumerateArray().Select(v => v.GetSingle()).ToArray();
            worst = Math.Max(worst, scores.Zip(expected, (a, b) => Math.Abs(a - b) / output.Scale).Max());
            Assert.Equal(Array.IndexOf(expected, expected.Max()), Array.IndexOf(scores, scores.Max()));
        }

        // PyTorch computes each node in float and rounds once per QuantizeLinear; the format requantizes in fixed
        // point (the report says so): a step here and there, never more than two at the output.
        Assert.True(worst <= 2, $"largest difference {worst} output steps");
    }
}

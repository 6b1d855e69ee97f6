using System.Text.Json;
using Google.Protobuf;
using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;
using ModelCompiler.Onnx.Schema;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// The float CNN PyTorch wrote (scripts/make-onnx-test-models.py: Conv, BatchNormalization, Relu, Clip, MaxPool,
/// depthwise Conv, residual Add, AveragePool, GlobalAveragePool, Flatten, Gemm, Reshape, MatMul + Add) maps into
/// float32 layers that compute PyTorch's logits (pytorch-cnn-float-logits.json, scripts/make-onnx-float-reference.py).
/// </summary>
public sealed class PyTorchFloatImportTests
{
    private static readonly Lazy<ImportedModel> Imported = new(() => QModelImport.Import(TestModels.OnnxFloat, new ImportOptions()));

    [Fact]
    public void BatchNormsFoldActivationsFuseAndEveryLayerIsFloat32()
    {
        var model = Imported.Value.Model;
        var report = Imported.Value.Report;
        var ops = model.Layers.GroupBy(l => l.Op).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, ops[LayerOp.Conv2D]);
        Assert.Equal(1, ops[LayerOp.DepthwiseConv2D]);
        Assert.Equal(2, ops[LayerOp.Dense]);
        Assert.Equal(1, ops[LayerOp.Add]);
        Assert.Equal(10, model.Layers.Count);
        Assert.Null(model.InputQuant);
        Assert.All(model.Layers.OfType<WeightedLayer>(), l => Assert.Equal(Precision.Float32, l.Precision));
        Assert.Contains(model.Layers, l => l is DepthwiseConv2DLayer { Activation: Activation.Relu6 });
        Assert.Contains(model.Layers, l => l is AddLayer { Activation: Activation.Relu });
        Assert.Equal(3, report.Folded.Count(f => f.Contains("(BatchNormalization", StringComparison.Ordinal)));
        Assert.Contains(report.Folded, f => f.Contains("the bias of operator 20 (MatMul", StringComparison.Ordinal));
        Assert.Contains(report.Differences, d => d.StartsWith("float32 layers", StringComparison.Ordinal));
    }

    [Fact]
    public void TheImportedModelComputesWhatPyTorchComputed()
    {
        var model = Imported.Value.Model;
        using var json = JsonDocument.Parse(File.ReadAllText(TestModels.Path("onnx/pytorch-cnn-float-logits.json")));
        var logits = json.RootElement.GetProperty("logits").EnumerateArray().ToList();
        var interpreter = new ReferenceInterpreter(model);
        int length = model.InputShape.Height * model.InputShape.Width * model.InputShape.Channels;
        for (int k = 0; k < logits.Count; k++)
        {
            var pixels = Enumerable.Range(0, length).Select(i => (byte)((i * 37 + 11 * k) % 256)).ToArray();
            var scores = interpreter.Run(pixels).Scores;
            var expected = logits[k].EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(expected.Length, scores.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                // float32 in another summation order, batch norms folded: agreement to float rounding, not bits.
                Assert.True(Math.Abs(scores[i] - expected[i]) <= 1e-4 + 1e-4 * Math.Abs(expected[i]), $"image {k} logit {i}: {scores[i]} against PyTorch's {expected[i]}");
            }
        }
    }

    [Fact]
    public void AnActivationOfAPoolIsOneProblemNamingTheNode()
    {
        var onnx = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestModels.OnnxFloat));
        var pool = onnx.Graph.Node.Single(n => n.OpType == "MaxPool");
        onnx.Graph.Node.Single(n => n.OpType == "Clip").Input[0] = pool.Output[0];
        string path = Path.Combine(Path.GetTempPath(), $"float-clip-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, onnx.ToByteArray());
        try
        {
            var error = Assert.Throws<ModelImportException>(() => QModelImport.Import(path, new ImportOptions()));
            Refusals.AssertSingle(error.Problems, "operator 6 (Clip '/relu6/Clip')", "X", "fused activation");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

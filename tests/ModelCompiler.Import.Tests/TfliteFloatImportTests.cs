using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// The float32 TFLite CNN flatc wrote (scripts/make-tflite-float-models.py --small: CONV_2D, DEPTHWISE_CONV_2D, ADD,
/// MAX_POOL_2D, AVERAGE_POOL_2D, MEAN, RESHAPE, FULLY_CONNECTED, SOFTMAX) maps into float32 layers that compute what
/// Arm NN's CpuRef computed from the same file (float-cnn-armnn.json), and each construct the float import refuses is one error.
/// </summary>
public sealed class TfliteFloatImportTests
{
    private static readonly Lazy<ImportedModel> Imported = new(() => QModelImport.Import(TestModels.Crafted("float-cnn"), new ImportOptions()));

    [Fact]
    public void EveryOperatorBecomesItsFloat32LayerWithItsShape()
    {
        var model = Imported.Value.Model;
        Assert.Equal(
            ["conv2d conv_0 Relu", "depthwise_conv2d dwconv_1 Relu6", "conv2d conv_2 None", "add add_3 Relu", "maxpool2d maxpool_4", "avgpool2d avgpool_5",
             "global_avgpool mean_6", "dense dense_8 None", "softmax softmax_9"],
            model.Layers.Select(Describe));
        var graph = TensorChain.InferGraph(model);
        Assert.Equal(
            ["8x8x4", "4x4x4", "4x4x4", "4x4x4", "3x3x4", "3x3x4", "[4]", "[5]", "[5]"],
            Enumerable.Range(1, model.Layers.Count).Select(t => Shape(graph.Tensors[t].Shape)));
        Assert.Null(model.InputQuant);
        Assert.Equal(OnnxInputPreprocessing.Default, model.Preprocessing);
        Assert.Equal(Rounding.Single, model.Rounding);
        Assert.All(model.Layers.OfType<WeightedLayer>(), l => Assert.IsType<Float32Weights>(l.Weights));
        Assert.Contains(Imported.Value.Report.Dropped, d => d.StartsWith("operator 7 (RESHAPE 'flat'): shape only", StringComparison.Ordinal));
        Assert.Contains(Imported.Value.Report.Differences, d => d.StartsWith("float32 layers: the same operations as the TFLite graph", StringComparison.Ordinal));
        Assert.StartsWith("pixel * 0.003921569 + 0: a float TFLite file does not say", Imported.Value.Report.Preprocessing);
    }

    [Fact]
    public void TheImportedModelComputesWhatArmNnComputedFromTheSameFile()
    {
        var model = Imported.Value.Model;
        using var json = JsonDocument.Parse(File.ReadAllText(TestModels.Path("tflite/crafted/float-cnn-armnn.json")));
        var outputs = json.RootElement.GetProperty("outputs").EnumerateArray().ToList();
        var interpreter = new ReferenceInterpreter(model);
        for (int k = 0; k < outputs.Count; k++)
        {
            // The pixels the script fed Arm NN (scaled by 1 / 255 there as here).
            var pixels = Enumerable.Range(0, 8 * 8 * 3).Select(i => (byte)((i * 37 + 11 * k) % 256)).ToArray();
            // The interpreter's scores are the logits the final softmax reads; Arm NN's output is that softmax.
            var logits = interpreter.Run(pixels).Scores;
            double sum = logits.Sum(v => Math.Exp(v - logits.Max()));
            var scores = logits.Select(v => (float)(Math.Exp(v - logits.Max()) / sum)).ToArray();
            var expected = outputs[k].EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(expected.Length, scores.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                // float32 in another summation order: agreement to float rounding, not bits. A filter read in the wrong
                // layout moves these probabilities by 1e-2 or more.
                Assert.True(Math.Abs(scores[i] - expected[i]) <= 1e-5, $"image {k} output {i}: {scores[i]} against Arm NN's {expected[i]}");
            }
        }
    }

    [Fact]
    public void AnInputNormalizationBecomesAFirstDepthwiseLayerOverPixelsOver255()
    {
        var normalized = QModelImport.Import(TestModels.Crafted("float-cnn"), new ImportOptions(Preprocessing: new Preprocessing(2f / 255f, -1f))).Model;
        var first = Assert.IsType<DepthwiseConv2DLayer>(normalized.Layers[0]);
        Assert.Equal(TfliteFloatMapper.NormalizeLayerName, first.Name);
        var weights = Assert.IsType<Float32Weights>(first.Weights);
        Assert.Equal([2f, 2f, 2f], weights.Values);
        Assert.Equal([-1f, -1f, -1f], weights.Bias);
        Assert.Equal(OnnxInputPreprocessing.Default, normalized.Preprocessing);
        Assert.Equal([TfliteFloatMapper.NormalizeLayerName], normalized.Layers[1].Inputs);

        // p·(2/255) − 1 through the layer is what the graph computes on that input: the outputs move with it.
        var pixels = Enumerable.Range(0, 8 * 8 * 3).Select(i => (byte)(i * 5 % 256)).ToArray();
        var plain = new ReferenceInterpreter(Imported.Value.Model).Run(pixels).Scores;
        var shifted = new ReferenceInterpreter(normalized).Run(pixels).Scores;
        Assert.NotEqual(plain, shifted);
    }

    [Fact]
    public void Int8WeightsInAFloatModelAreOneError() =>
        Refusals.AssertSingle(Refused("float-int8-weights"), "operator 2 (CONV_2D 'conv2')", "input 1 'conv2_w'", "dynamic-range quantization");

    [Fact]
    public void AnAdditionOfAConstantIsOneError() =>
        Refusals.AssertSingle(Refused("float-add-constant"), "operator 3 (ADD 'add')", "inputs", "addition of a constant");

    [Fact]
    public void ADequantizeInAFloatModelIsOneError() =>
        Refusals.AssertSingle(Refused("float-dequantize"), "operator 0 (DEQUANTIZE 'dequantized')", null, "mix float and quantized");

    [Fact]
    public void RoundingAppliesToQuantizedModelsOnly()
    {
        var error = Assert.Throws<ModelImportException>(() => QModelImport.Import(TestModels.Crafted("float-cnn"), new ImportOptions(Rounding: Rounding.Tflite)));
        Refusals.AssertSingle(error.Problems, "--rounding", null, "quantized TFLite models");
    }

    private static IReadOnlyList<ImportProblem> Refused(string name) =>
        Assert.Throws<ModelImportException>(() => QModelImport.Import(TestModels.Crafted(name), new ImportOptions())).Problems;

    private static string Shape(TensorShape shape) => shape.IsVector ? $"[{shape.Channels}]" : $"{shape.Height}x{shape.Width}x{shape.Channels}";

    private static string Describe(Layer layer) => $"{TfliteAttributes.OpName(layer)} {layer.Name}" + layer switch
    {
        WeightedLayer w => $" {w.Activation}",
        AddLayer a => $" {a.Activation}",
        _ => "",
    };
}

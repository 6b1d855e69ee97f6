using Google.Protobuf;
using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.IO;
using ModelCompiler.Onnx;
using ModelCompiler.Onnx.Schema;
using ModelCompiler.Testing;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// Issue 13's round trip: a <c>.qmodel</c> exported as QDQ ONNX by ModelCompiler.Onnx and imported again must give the
/// same layers (ops, attributes, weights, scales, biases, quantization, the tensors each reads) and the same input
/// header; only the layer names (the importer names layers after the ONNX node's index) and the provenance differ.
/// </summary>
public sealed class OnnxRoundTripTests
{
    public static TheoryData<string> Samples => new()
    {
        "FashionClassifier/fashion.qmodel",
        "IntelClassifier.Model/intel.qmodel",
        "IntelClassifier.Model/intel-mobilenet.qmodel",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void TheSampleModelsComeBackTheSame(string sample) => _ = AssertRoundTrip(QModelFile.Read(SamplePath(sample)));

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void GeneratedGraphsComeBackTheSame(int seed, bool sevenBit)
    {
        var models = new GraphModels(seed) { SevenBitWeights = sevenBit };
        AssertRoundTrip(models.InvertedResidual());
        AssertRoundTrip(models.Random("RandomGraph" + seed));
    }

    /// <summary>
    /// The legacy uint8 MobileNetV1 imported from TFLite (a weight zero point on each of its 28 weighted layers) comes
    /// back with the same layers. Only the header's rounding and the average pool's ties differ, by design: ONNX imports
    /// round as ONNX Runtime does, where the TFLite import keeps TFLite's rounding (once or twice, ties up in the uint8
    /// pool).
    /// </summary>
    [Fact]
    public void TheImportedLegacyMobileNetV1ComesBackTheSame()
    {
        var v1 = QModelImport.Import(TestModels.MobileNetV1, new ImportOptions()).Model;
        Assert.Equal(28, v1.Layers.Count(l => l is WeightedLayer { Weights: Int8Weights { WeightZeroPoint: not 0 } }));
        Assert.Contains(v1.Layers, l => l is FlattenLayer { Order: FlattenOrder.Hwc });
        var pool = Assert.Single(v1.Layers.OfType<Pool2DLayer>());
        Assert.Equal(AverageTies.Up, pool.Ties);
        Layer[] layers = [.. v1.Layers.Select(l => l != pool ? l
            : new Pool2DLayer(pool.Name, pool.IsMax, pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding) { Inputs = pool.Inputs, Line = pool.Line })];
        var withoutTies = new QModel(v1.Name, v1.InputShape, v1.InputLayout, v1.Preprocessing, v1.InputQuant, v1.Labels, v1.Provenance, layers) { Rounding = v1.Rounding };
        var imported = AssertRoundTrip(withoutTies);
        Assert.Equal(Rounding.Single, imported.Rounding);
    }

    /// <summary>
    /// <c>flatten order hwc</c> of a 6x6x8 image (where the order matters) is exported as Transpose [0,2,3,1] + Flatten
    /// and comes back as itself from the QDQ and the float export; a flatten in order chw stays chw.
    /// </summary>
    [Theory]
    [InlineData(FlattenOrder.Hwc)]
    [InlineData(FlattenOrder.Chw)]
    public void FlattenOrdersComeBackTheSame(FlattenOrder order)
    {
        var original = new ModelCompiler.Testing.TestModels(7).SmallCnn(order, averagePool: false);
        var shapes = TensorChain.InferGraph(original);
        int flatten = original.Layers.ToList().FindIndex(l => l is FlattenLayer);
        Assert.True(shapes.Tensors[shapes.InputsOf(flatten)[0]].Shape is { Height: > 1, Width: > 1, Channels: > 1 });
        var imported = AssertRoundTrip(original);
        Assert.Equal(order, imported.Layers.OfType<FlattenLayer>().Single().Order);

        int transposes = -1;
        var floatModel = Import(original, out _, m => transposes = m.Graph.Node.Count(n => n.OpType == "Transpose"), OnnxExportKind.Float).Model;
        Assert.Equal(order == FlattenOrder.Hwc ? 1 : 0, transposes);
        Assert.Equal(order, floatModel.Layers.OfType<FlattenLayer>().Single().Order);
    }

    /// <summary>Weight zero points on convolution, depthwise and dense layers: random graphs and the hand-computed models (-128 weights included).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    public void WeightZeroPointsComeBackTheSame(int seed)
    {
        var models = new GraphModels(seed);
        var shifted = new[] { models.InvertedResidual(), models.Random("ZeroPointGraph" + seed) }
            .Select(m => WeightZeroPointModels.WithWeightZeroPoints(m, seed))
            .Concat(new[] { "conv", "depthwise", "dense" }.Select(WeightZeroPointModels.Create))
            .ToList();
        var zeroPointLayers = shifted.SelectMany(m => m.Layers).OfType<WeightedLayer>().Where(l => l.Weights is Int8Weights { WeightZeroPoint: not 0 }).ToList();
        Assert.Contains(zeroPointLayers, l => l is Conv2DLayer);
        Assert.Contains(zeroPointLayers, l => l is DepthwiseConv2DLayer);
        Assert.Contains(zeroPointLayers, l => l is DenseLayer);
        shifted.ForEach(m => AssertRoundTrip(m));
    }

    /// <summary>uint8 weights behind DequantizeLinear (as a uint8 quantizer writes them) are w − 128 with zero point zw − 128: the same layer.</summary>
    [Fact]
    public void UInt8WeightsAreShiftedToInt8WithTheirZeroPoint()
    {
        var original = WeightZeroPointModels.WithWeightZeroPoints(new GraphModels(3).InvertedResidual(), 3);
        var conv = original.Layers.OfType<Conv2DLayer>().First();
        var imported = Import(original, out _, m =>
        {
            foreach (var name in new[] { conv.Name + "_w_q", conv.Name + "_w_zp" })
            {
                var tensor = m.Graph.Initializer.Single(t => t.Name == name);
                tensor.DataType = (int)TensorProto.Types.DataType.Uint8;
                tensor.RawData = ByteString.CopyFrom(tensor.RawData.Select(b => (byte)(b ^ 0x80)).ToArray()); // int8 v as uint8 v + 128
            }
        }).Model;
        var layers = LayerBlocks(imported);
        Assert.Equal(LayerBlocks(original), layers);
        Assert.Contains(layers, l => l.Contains("weight_zero_point", StringComparison.Ordinal));
    }

    [Fact]
    public void TheReportListsEveryLayerAndThePreprocessingFromTheMetadata()
    {
        var original = QModelFile.Read(SamplePath("FashionClassifier/fashion.qmodel"));
        var imported = Import(original, out _);
        Assert.Equal(original.Layers.Count, imported.Report.Mapped.Count);
        Assert.Contains("modelcompiler.preprocess", imported.Report.Preprocessing);
        Assert.Contains("labels: from the file's metadata", imported.Report.Notes);
        Assert.Contains(imported.Report.Differences, d => d.Contains("half to even", StringComparison.Ordinal));
    }

    internal static ImportedModel Import(QModel model, out string path, Action<ModelProto>? change = null, OnnxExportKind kind = OnnxExportKind.QuantizedQdq)
    {
        var proto = OnnxExporter.Export(model, kind);
        change?.Invoke(proto);
        path = Path.Combine(Path.GetTempPath(), $"roundtrip-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        try
        {
            return QModelImport.Import(path, new ImportOptions(model.Name));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static QModel AssertRoundTrip(QModel original)
    {
        var imported = Import(original, out _).Model;
        Assert.Equal(original.InputShape, imported.InputShape);
        Assert.Equal(original.Preprocessing, imported.Preprocessing);
        Assert.Equal(original.InputQuant, imported.InputQuant);
        Assert.Equal(original.Labels, imported.Labels);
        Assert.Equal(original.Layers.Count, imported.Layers.Count);
        var originalGraph = TensorChain.InferGraph(original);
        var importedGraph = TensorChain.InferGraph(imported);
        var originalText = LayerBlocks(original);
        var importedText = LayerBlocks(imported);
        for (int i = 0; i < original.Layers.Count; i++)
        {
            Assert.Equal(originalGraph.InputsOf(i), importedGraph.InputsOf(i));
            Assert.Equal(originalText[i], importedText[i]);
        }

        return imported;
    }

    /// <summary>Each layer as the writer spells it, without its name and its <c>inputs</c> line (compared as tensor indices).</summary>
    private static List<string> LayerBlocks(QModel model)
    {
        string text = QModelWriter.Write(model);
        return text[text.IndexOf("\nlayer ", StringComparison.Ordinal)..]
            .Split("\nlayer ", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => string.Join("\n", block.Split('\n').Skip(1).Where(line => !line.StartsWith("  inputs ", StringComparison.Ordinal)).Prepend(block.Split(' ', '\n')[1])))
            .ToList();
    }

    private static string SamplePath(string relative, [System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "samples", relative));
}

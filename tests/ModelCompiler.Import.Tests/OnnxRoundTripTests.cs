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
    public void TheSampleModelsComeBackTheSame(string sample) => AssertRoundTrip(QModelFile.Read(SamplePath(sample)));

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

    internal static ImportedModel Import(QModel model, out string path, Action<ModelProto>? change = null)
    {
        var proto = OnnxExporter.Export(model, OnnxExportKind.QuantizedQdq);
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

    private static void AssertRoundTrip(QModel original)
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

using System.Text.RegularExpressions;
using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

/// <summary>Keeps docs/qmodel-format.md and the code in step: its example parses, and it lists every error code.</summary>
public sealed class FormatDocTests
{
    private const string Marker = "qmodel-example";
    private const string GraphMarker = "qmodel-graph-example";

    [Fact]
    public void ExampleParsesAndIsCanonical()
    {
        string example = Example();
        var model = QModelReader.Read(example);
        Assert.Equal("TinyStripes", model.Name);
        Assert.Equal(["dark", "light", "striped \"zebra\""], model.Labels);
        Assert.Equal(
            [LayerOp.Conv2D, LayerOp.MaxPool2D, LayerOp.Flatten, LayerOp.Dense, LayerOp.Dequantize, LayerOp.Dense, LayerOp.Softmax],
            model.Layers.Select(l => l.Op));
        Assert.Equal(example, QModelWriter.Write(model));
    }

    [Fact]
    public void GraphExampleParsesAndIsCanonical()
    {
        string example = Example(GraphMarker);
        Assert.StartsWith("qmodel 2\n", example);
        var model = QModelReader.Read(example);
        Assert.Equal(2, QModelWriter.FormatVersionOf(model));
        Assert.Equal(
            [LayerOp.Conv2D, LayerOp.DepthwiseConv2D, LayerOp.Conv2D, LayerOp.AveragePool2D, LayerOp.Add, LayerOp.GlobalAveragePool, LayerOp.Dense, LayerOp.Softmax],
            model.Layers.Select(l => l.Op));
        Assert.Equal(["shortcut", "project"], model.Layers[4].Inputs);
        Assert.Equal(example, QModelWriter.Write(model));

        // The input feeds the expansion and the shortcut; the addition is the last reader of both branches.
        var graph = TensorChain.InferGraph(model);
        Assert.False(graph.IsSequential);
        Assert.Equal([0, 3], graph.ConsumersOf(0));
        Assert.Equal(3, graph.LastConsumerOf(0));
        Assert.Equal((4, 4), (graph.LastConsumerOf(3), graph.LastConsumerOf(4)));
        Assert.Equal([3, 2], graph.InputsOf(4).Select(ModelGraph.ProducerOf));
        Assert.Equal(TensorShape.Image(2, 2, 4), graph.Tensors[2].Shape);
        Assert.Equal(TensorShape.Image(2, 2, 2), graph.Tensors[5].Shape);
        Assert.Equal(-1, graph.LastConsumerOf(graph.OutputTensor));
    }

    [Fact]
    public void ExampleIsTheMalformedSuitesBaseText() =>
        Assert.Equal(Example().TrimEnd('\n'), MalformedModels.BaseText.Replace("\r\n", "\n"));

    [Fact]
    public void GraphExampleIsTheGraphSuitesBaseText() =>
        Assert.Equal(Example(GraphMarker).TrimEnd('\n'), MalformedModels.GraphBaseText.Replace("\r\n", "\n"));

    [Fact]
    public void EveryErrorCodeIsDocumentedWithItsNumber()
    {
        string doc = Doc();
        foreach (var code in Enum.GetValues<QModelError>())
        {
            Assert.Contains($"| QM{(int)code:000} | `{code}` |", doc);
        }

        int documented = Regex.Matches(doc, @"^\| QM\d{3} \|", RegexOptions.Multiline).Count;
        Assert.Equal(Enum.GetValues<QModelError>().Length, documented);
    }

    /// <summary>The text of the fenced block between the example markers, with LF line ends.</summary>
    private static string Example(string marker = Marker)
    {
        string beginMarker = $"<!-- {marker}:begin -->", endMarker = $"<!-- {marker}:end -->";
        string doc = Doc();
        int begin = doc.IndexOf(beginMarker, StringComparison.Ordinal);
        int end = doc.IndexOf(endMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "example markers not found in docs/qmodel-format.md");
        string block = doc.Substring(begin + beginMarker.Length, end - begin - beginMarker.Length).Trim('\n');
        Assert.StartsWith("```text\n", block);
        Assert.EndsWith("\n```", block);
        return block.Substring("```text\n".Length, block.Length - "```text\n".Length - "```".Length);
    }

    private static string Doc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "docs", "qmodel-format.md");
            if (File.Exists(path))
            {
                return File.ReadAllText(path).Replace("\r\n", "\n");
            }
        }

        throw new FileNotFoundException("docs/qmodel-format.md not found above " + AppContext.BaseDirectory);
    }
}

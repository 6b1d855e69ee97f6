using ModelCompiler.Onnx.Schema;

namespace ModelCompiler.Trainer.Tests;

[Trait("Category", "Slow")]
public sealed class ExportOnnxCommandTests
{
    [Fact]
    public void WritesAFloatAndAnInt8GraphOfTheCommittedFashionModel()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ModelCompiler.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        string stem = Path.Combine(Path.GetTempPath(), $"onnx-{Guid.NewGuid():N}");
        try
        {
            CliRunner.Run0("export-onnx", Path.Combine(root, "samples", "FashionClassifier", "fashion.qmodel"), "-o", stem);
            var floatGraph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(stem + ".float.onnx")).Graph;
            var int8Graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(stem + ".int8.onnx")).Graph;
            Assert.DoesNotContain(floatGraph.Node, n => n.OpType is "QuantizeLinear" or "DequantizeLinear");
            Assert.Equal(2, floatGraph.Node.Count(n => n.OpType == "Conv"));
            Assert.Contains(int8Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Int8);
            Assert.Contains(int8Graph.Node, n => n.OpType == "QuantizeLinear");
            Assert.Equal("input", int8Graph.Input.Single().Name);
        }
        finally
        {
            File.Delete(stem + ".float.onnx");
            File.Delete(stem + ".int8.onnx");
        }
    }
}

using Google.Protobuf;
using ModelCompiler.Onnx.Schema;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// The PyTorch float model with one thing changed (through the shared ONNX schema): each unsupported construct must
/// be exactly one clear error naming the node and the attribute.
/// </summary>
public sealed class OnnxRefusalTests
{
    private static ModelProto Original() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestModels.OnnxFloat));

    private static IReadOnlyList<ImportProblem> Refuse(Action<ModelProto> change)
    {
        var model = Original();
        change(model);
        return Refusals.Of(model.ToByteArray(), "changed.onnx");
    }

    private static NodeProto Node(ModelProto model, string name) => model.Graph.Node.Single(n => n.Name == name);

    private static TensorProto Initializer(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);

    private static AttributeProto Attribute(NodeProto node, string name) => node.Attribute.Single(a => a.Name == name);

    [Fact]
    public void TheOriginalReads() => Assert.Equal(22, ModelImporter.Read(Original().ToByteArray(), "original.onnx").Operators.Count);

    [Fact]
    public void Dilation() => Refusals.AssertSingle(
        Refuse(m => Attribute(Node(m, "/conv1/Conv"), "dilations").Ints[0] = 2), "operator 0 (Conv '/conv1/Conv')", "dilations", "dilation 2x1");

    [Fact]
    public void GroupedConvolution() => Refusals.AssertSingle(
        Refuse(m => Attribute(Node(m, "/dw/Conv"), "group").I = 4), "operator 4 (Conv '/dw/Conv')", "group", "group 4");

    [Fact]
    public void DepthMultiplierAboveOne()
    {
        var problems = Refuse(m =>
        {
            // 16 output channels from 8 input channels, one group per input channel: multiplier 2.
            var weights = Initializer(m, "dw.weight");
            weights.Dims[0] = 16;
            weights.RawData = ByteString.CopyFrom([.. weights.RawData, .. weights.RawData]);
            var bias = Initializer(m, "dw.bias");
            bias.Dims[0] = 16;
            bias.RawData = ByteString.CopyFrom([.. bias.RawData, .. bias.RawData]);
        });
        Refusals.AssertSingle(problems, "operator 4 (Conv '/dw/Conv')", "group", "depth multiplier 2");
    }

    [Fact]
    public void UnknownOperatorsInTheDefaultAndOtherDomains()
    {
        var problems = Refuse(m =>
        {
            Node(m, "/relu1/Relu").OpType = "Gelu";
            var relu = Node(m, "/relu2/Relu");
            relu.OpType = "FusedRelu";
            relu.Domain = "com.microsoft";
        });
        Assert.Equal(["operator 2 (Gelu '/relu1/Relu')", "operator 10 (com.microsoft:FusedRelu '/relu2/Relu')"], problems.Select(p => p.Location));
        Assert.All(problems, p => Assert.StartsWith("operator not supported", p.Message));
    }

    [Fact]
    public void DynamicHeight()
    {
        var problems = Refuse(m => m.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimParam = "height");
        Refusals.AssertSingle(problems, "graph input 'input'", "shape", "dynamic or invalid dimension 2 ('height')");
    }

    [Fact]
    public void DynamicBatchIsReadAsOne()
    {
        var model = Original();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam = "batch";
        var read = ModelImporter.Read(model.ToByteArray(), "batch.onnx");
        Assert.Equal([1, 3, 16, 16], read.Tensors[read.Inputs[0]].Shape);
        Assert.Contains("dynamic batch dimension of the graph input read as 1", read.Notes);
    }

    /// <summary>A Transpose other than NCHW to NHWC before a flatten (here H and W swapped before the global pool) is refused by its perm.</summary>
    [Fact]
    public void TransposeOtherThanChannelsLast()
    {
        var problems = Refuse(m =>
        {
            var transpose = new NodeProto { Name = "swap_hw", OpType = "Transpose" };
            transpose.Input.Add("/relu3/Relu_output_0");
            transpose.Output.Add("swapped");
            transpose.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 1, 3, 2 } });
            var pool = Node(m, "/gap/GlobalAveragePool");
            m.Graph.Node.Insert(m.Graph.Node.IndexOf(pool), transpose);
            pool.Input[0] = "swapped";
        });
        Refusals.AssertSingle(problems, "operator 15 (Transpose 'swap_hw')", "perm", "permutation [0,1,3,2]");
    }

    [Fact]
    public void WeightComputedAtRunTime()
    {
        var problems = Refuse(m =>
        {
            // The convolution's weights become Relu(conv1.weight): a value computed by a node, not a constant.
            var relu = new NodeProto { Name = "weights_relu", OpType = "Relu" };
            relu.Input.Add("conv1.weight");
            relu.Output.Add("conv1.weight.relu");
            m.Graph.Node.Insert(0, relu);
            Node(m, "/conv1/Conv").Input[1] = "conv1.weight.relu";
        });
        Refusals.AssertSingle(problems, "operator 1 (Conv '/conv1/Conv')", "input 1 'conv1.weight.relu'", "must be a constant");
    }

    [Fact]
    public void DoubleWeights()
    {
        var problems = Refuse(m =>
        {
            var weights = Initializer(m, "conv1.weight");
            var values = new float[weights.RawData.Length / 4];
            Buffer.BlockCopy(weights.RawData.ToByteArray(), 0, values, 0, weights.RawData.Length);
            weights.DataType = (int)TensorProto.Types.DataType.Double;
            weights.RawData = ByteString.Empty;
            weights.DoubleData.AddRange(values.Select(v => (double)v));
        });
        Refusals.AssertSingle(problems, "tensor 2 'conv1.weight'", "type", "element type Float64 is not supported for constants");
    }

    [Fact]
    public void UnknownAttribute()
    {
        var problems = Refuse(m => Node(m, "/conv1/Conv").Attribute.Add(new AttributeProto { Name = "fast_math", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        Refusals.AssertSingle(problems, "operator 0 (Conv '/conv1/Conv')", "fast_math", "attribute not supported");
    }

    [Fact]
    public void ExternalData()
    {
        var problems = Refuse(m =>
        {
            var weights = Initializer(m, "conv1.weight");
            weights.RawData = ByteString.Empty;
            weights.DataLocation = TensorProto.Types.DataLocation.External;
            weights.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        });
        Refusals.AssertSingle(problems, "initializer 'conv1.weight'", "data_location", "external file");
    }

    [Fact]
    public void ClipOtherThanReluOrRelu6()
    {
        var problems = Refuse(m =>
        {
            var max = Node(m, "/relu6/Constant_1").Attribute[0].T;
            max.RawData = ByteString.CopyFrom(BitConverter.GetBytes(4f));
        });
        Refusals.AssertSingle(problems, "operator 6 (Clip '/relu6/Clip')", "min/max", "clip to [0, 4]");
    }

    [Fact]
    public void CeilMode()
    {
        var problems = Refuse(m => Attribute(Node(m, "/pool1/MaxPool"), "ceil_mode").I = 1);
        Refusals.AssertSingle(problems, "operator 3 (MaxPool '/pool1/MaxPool')", "ceil_mode", "rounding the output size up");
    }

    [Fact]
    public void TruncationsAreClearErrors()
    {
        byte[] data = File.ReadAllBytes(TestModels.OnnxQdq);
        for (int length = 0; length < data.Length; length += 37)
        {
            var problems = Assert.Throws<ModelImportException>(() => ModelImporter.Read(data[..length], "truncated.onnx")).Problems;
            Assert.NotEmpty(problems);
        }
    }

    [Fact]
    public void CorruptProtobufIsOneError()
    {
        // Field 7 (graph), length-delimited, declaring 2^31 - 1 bytes of which 3 follow.
        byte[] data = [0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, 3];
        var problem = Assert.Single(Assert.Throws<ModelImportException>(() => ModelImporter.Read(data, "corrupt.onnx")).Problems);
        Assert.Equal("file", problem.Location);
        Assert.StartsWith("not a valid ONNX protobuf", problem.Message);
        problem = Assert.Single(Assert.Throws<ModelImportException>(() => ModelImporter.Read([], "empty.onnx")).Problems);
        Assert.Equal("not an ONNX model: no graph", problem.Message);
    }

    [Fact]
    public void RandomByteChangesNeverEscapeAsAnotherException()
    {
        byte[] original = File.ReadAllBytes(TestModels.OnnxQdq);
        var random = new Random(17);
        for (int trial = 0; trial < 600; trial++)
        {
            byte[] data = (byte[])original.Clone();
            for (int changes = random.Next(1, 4); changes > 0; changes--)
            {
                data[random.Next(data.Length)] = (byte)random.Next(256);
            }

            try
            {
                ModelImporter.Read(data, "mutated.onnx");
            }
            catch (ModelImportException e)
            {
                Assert.NotEmpty(e.Problems);
            }
        }
    }
}

using System.Text.Json;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// The ONNX models PyTorch exported (scripts/make-onnx-test-models.py), against what the onnx Python package read
/// from the same files (tests/models/onnx/pytorch-cnn.json): an independent reader.
/// </summary>
public sealed class OnnxModelTests
{
    private static readonly Lazy<JsonElement> Summary = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestModels.Path("onnx/pytorch-cnn.json"))).RootElement);

    public static TheoryData<string> Files => new() { "pytorch-cnn-float.onnx", "pytorch-cnn-qdq.onnx" };

    private static JsonElement Described(string file) =>
        Summary.Value.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("file").GetString() == file);

    [Theory]
    [MemberData(nameof(Files))]
    public void OperatorCountsAreTheFilesLessFoldedConstants(string file)
    {
        var model = ModelImporter.Read(TestModels.Path($"onnx/{file}"));
        var counts = Described(file).GetProperty("op_counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        int folded = counts.GetValueOrDefault("Constant") + counts.GetValueOrDefault("Identity");
        counts.Remove("Constant");
        counts.Remove("Identity"); // in these files every Identity copies a constant (a zero point)
        Assert.Equal(counts, model.OperatorCounts());
        Assert.Contains($"{folded} Constant and Identity-of-constant nodes folded into constant tensors", model.Notes);
        Assert.Equal(SourceFormat.Onnx, model.Format);
        Assert.Equal(TensorLayout.Nchw, model.Layout);
        Assert.StartsWith("pytorch 1.13", model.Producer);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void InputOutputAndInitializersHaveTheFilesShapesAndTypes(string file)
    {
        var model = ModelImporter.Read(TestModels.Path($"onnx/{file}"));
        var described = Described(file);
        var input = model.Tensors[Assert.Single(model.Inputs)];
        Assert.Equal(Ints(described.GetProperty("inputs")[0].GetProperty("shape")), input.Shape);
        var output = model.Tensors[Assert.Single(model.Outputs)];
        Assert.Equal(Ints(described.GetProperty("outputs")[0].GetProperty("shape")), output.Shape); // inferred: PyTorch states it too
        foreach (var initializer in described.GetProperty("initializers").EnumerateObject())
        {
            var tensor = model.Tensor(initializer.Name);
            Assert.True(tensor.IsConstant, initializer.Name);
            Assert.Equal(Ints(initializer.Value.GetProperty("dims")), tensor.Shape);
            var expectedType = initializer.Value.GetProperty("data_type").GetInt32() switch
            {
                1 => ElementType.Float32,
                2 => ElementType.UInt8,
                3 => ElementType.Int8,
                7 => ElementType.Int64,
                var other => throw new InvalidOperationException($"type {other}"),
            };
            Assert.Equal(expectedType, tensor.Type);
        }
    }

    [Fact]
    public void QdqNodesCarryTheFilesAxesScalesAndZeroPoints()
    {
        var model = ModelImporter.Read(TestModels.OnnxQdq);
        var nodes = Described("pytorch-cnn-qdq.onnx").GetProperty("quantize_nodes").EnumerateArray().ToList();
        Assert.Equal(56, nodes.Count);
        foreach (var node in nodes)
        {
            var op = model.Operators.Single(o => o.Name == node.GetProperty("node").GetString());
            Assert.Equal(node.GetProperty("op").GetString(), op.Type);
            // The quantized tensor: a QuantizeLinear's output, a DequantizeLinear's input.
            var tensor = model.Tensors[op.Type == "QuantizeLinear" ? op.Outputs[0] : op.Inputs[0]];
            var q = tensor.Quantization!;
            int scales = node.GetProperty("scale_count").GetInt32();
            Assert.Equal(scales, q.Scales.Count);
            Assert.Equal(scales > 1 ? node.GetProperty("axis").GetInt32() : null, q.Axis);
            Assert.Equal(Ints(node.GetProperty("zero_points")).Select(z => (long)z), q.ZeroPoints.Distinct().Order());
            var zeroPointType = node.GetProperty("zero_point_dtype").GetString() == "uint8" ? ElementType.UInt8 : ElementType.Int8;
            Assert.Equal(zeroPointType, tensor.Type);
        }

        // Weights: int8 per output channel on axis 0 (Conv [O, I/g, KH, KW], Gemm [N, K] with transB).
        var conv1 = model.Tensor("/conv1/weight_fake_quant/QuantizeLinear_output_0");
        Assert.Equal([8, 3, 3, 3], conv1.Shape);
        Assert.Equal(0, conv1.Quantization!.Axis);
        Assert.Equal(8, conv1.Quantization.Scales.Count);
    }

    [Fact]
    public void FloatModelOptionsAndInferredShapes()
    {
        var model = ModelImporter.Read(TestModels.OnnxFloat);
        var depthwise = Assert.IsType<ConvolutionOptions>(model.Operators.Single(o => o.Name == "/dw/Conv").Options);
        Assert.Equal((8, 1), (depthwise.Groups, depthwise.DepthMultiplier));
        Assert.Equal(new Padding(PaddingKind.Explicit, 1, 1, 1, 1), depthwise.Padding);
        Assert.Equal((3, 3, 1, 1), (depthwise.KernelHeight, depthwise.KernelWidth, depthwise.StrideHeight, depthwise.StrideWidth));
        var pointwise = Assert.IsType<ConvolutionOptions>(model.Operators.Single(o => o.Name == "/pw/Conv").Options);
        Assert.Equal(PaddingKind.Valid, pointwise.Padding.Kind);
        Assert.Equal(new ClipOptions(0, 6), model.Operators.Single(o => o.Type == "Clip").Options);
        Assert.Equal(new GemmOptions(1, 1, false, true), model.Operators.Single(o => o.Type == "Gemm").Options);
        Assert.Equal(1e-5f, Assert.IsType<BatchNormOptions>(model.Operators.First(o => o.Type == "BatchNormalization").Options).Epsilon);
        Assert.Equal([-1, 12], Assert.IsType<ReshapeOptions>(model.Operators.Single(o => o.Type == "Reshape").Options).NewShape);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0], Assert.IsType<PadOptions>(model.Operators.Single(o => o.Type == "Pad").Options).Pads);
        var pool = Assert.IsType<PoolOptions>(model.Operators.Single(o => o.Type == "MaxPool").Options);
        Assert.Equal((2, 2, 2, 2), (pool.KernelHeight, pool.KernelWidth, pool.StrideHeight, pool.StrideWidth));

        // Shapes PyTorch does not write, inferred in NCHW.
        Assert.Equal([1, 8, 16, 16], model.Tensor("/bn1/BatchNormalization_output_0").Shape);
        Assert.Equal([1, 8, 8, 8], model.Tensor("/pool1/MaxPool_output_0").Shape);
        Assert.Equal([1, 8, 4, 4], model.Tensor("/pool2/AveragePool_output_0").Shape);
        Assert.Equal([1, 16, 1, 1], model.Tensor("/gap/GlobalAveragePool_output_0").Shape);
        Assert.Equal([1, 16], model.Tensor("/flatten/Flatten_output_0").Shape);
        Assert.Equal([1, 12], model.Tensor("/Reshape_output_0").Shape);
        Assert.Equal([1, 10], model.Tensor("/MatMul_output_0").Shape);
    }

    [Fact]
    public void MatMulWeightsAndBatchNormStatisticsAreConstants()
    {
        var model = ModelImporter.Read(TestModels.OnnxFloat);
        var matmul = model.Operators.Single(o => o.Type == "MatMul");
        Assert.Equal([12, 10], model.Tensors[matmul.Inputs[1]].Shape);
        Assert.True(model.Tensors[matmul.Inputs[1]].IsConstant);
        foreach (var bn in model.Operators.Where(o => o.Type == "BatchNormalization"))
        {
            Assert.All(bn.Inputs.Skip(1), i => Assert.Equal(8, model.Tensors[i].ReadFloat32().Length));
        }
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}

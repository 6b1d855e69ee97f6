using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// The mapper on the crafted valid model (flatc, tests/models/tflite/crafted/valid.json: depthwise, conv, reshape,
/// per-tensor fully connected, softmax, int8 input) and on copies of it changed in one place each: every construct the
/// format cannot hold is exactly one problem naming the operator and the attribute.
/// </summary>
public sealed class TfliteMappingTests
{
    private static SourceModel Valid() => ModelImporter.Read(TestModels.Crafted("valid"));

    private static (MappedGraph? Graph, ImportProblems Problems, ImportReport Report) Map(SourceModel model)
    {
        var problems = new ImportProblems();
        var report = new ImportReport();
        return (TfliteMapper.Map(model, problems, report, perOperatorRounding: true), problems, report);
    }

    [Fact]
    public void TheCraftedModelMapsLayerByLayer()
    {
        var imported = QModelImport.Import(TestModels.Crafted("valid"), new ImportOptions("Crafted"));
        var model = imported.Model;
        Assert.Equal(["dwconv_0", "conv_1", "flatten_2", "dense_3", "softmax_4"], model.Layers.Select(l => l.Name));
        var dense = (DenseLayer)model.Layers[3];
        Assert.Equal([0.03f, 0.03f, 0.03f, 0.03f], ((Int8Weights)dense.Weights).Scales);
        Assert.Equal(new QuantParams(0.2f, 5), dense.OutputQuant);
        Assert.Equal(FlattenOrder.Hwc, ((FlattenLayer)model.Layers[2]).Order);

        // An int8 input is fed the raw pixel minus 128.
        Assert.Equal(new QuantParams(0.5f, -3), model.InputQuant);
        Assert.Contains("int8 input", imported.Report.Preprocessing);
        Assert.Equal(["class_0", "class_1", "class_2", "class_3"], model.Labels);
        Assert.Equal(4, new ReferenceInterpreter(model).Run(new byte[4 * 4 * 2]).Int8Output!.Length);
    }

    [Fact]
    public void AnAsymmetricWeightIsOneProblem()
    {
        var model = Valid();
        model.Tensor("fc_weights").Quantization = new TensorQuantization([0.03f], [3], null);
        var problem = Assert.Single(Map(model).Problems.All);
        Assert.Equal("operator 3 (FULLY_CONNECTED 'logits')", problem.Location);
        Assert.Equal("input 1 'fc_weights'", problem.Attribute);
        Assert.Contains("weight zero point 3", problem.Message);
    }

    [Fact]
    public void AWeightOfMinus128IsOneProblemNamingItsPosition()
    {
        var model = Valid();
        model.Tensor("conv_weights").Data![5] = 0x80;
        var problem = Assert.Single(Map(model).Problems.All);
        Assert.Equal("operator 1 (CONV_2D 'conv_out')", problem.Location);
        Assert.Contains("weight 5 is -128", problem.Message);
    }

    [Fact]
    public void ABiasAtAnotherScaleIsOneProblem()
    {
        var model = Valid();
        model.Tensor("fc_bias").Quantization = new TensorQuantization([0.004f], [0], null);
        var problem = Assert.Single(Map(model).Problems.All);
        Assert.Equal("input 2 'fc_bias'", problem.Attribute);
        Assert.Contains("s_in·s_w", problem.Message);
    }

    [Fact]
    public void AReshapeThatRequantizesIsOneProblem()
    {
        var model = Valid();
        model.Tensor("flat").Quantization = new TensorQuantization([0.2f], [-128], null);
        var problem = Assert.Single(Map(model).Problems.All);
        Assert.Equal("operator 2 (RESHAPE 'flat')", problem.Location);
        Assert.Contains("changes the quantization", problem.Message);
    }

    [Fact]
    public void PerChannelActivationsAreOneProblem()
    {
        var model = Valid();
        model.Tensor("dw_out").Quantization = new TensorQuantization([0.05f, 0.06f], [-128, -128], 3);
        var (graph, problems, _) = Map(model);
        Assert.Null(graph);
        var problem = Assert.Single(problems.All);
        Assert.Equal("operator 0 (DEPTHWISE_CONV_2D 'dw_out')", problem.Location);
        Assert.Contains("per-channel activation", problem.Message);
    }

    /// <summary>
    /// MobileNetV1 in the legacy uint8 scheme: activations shifted by 128 (input zero point 128 becomes 0), every
    /// weighted layer's uint8 weights stored as w - 128 with weight_zero_point zw - 128 (the file's 61 to 204 give
    /// -67 to 76), TFLite's rounding; the written file reads back with the same weight zero points.
    /// </summary>
    [Fact]
    public void TheLegacyUInt8SchemeMapsWithWeightZeroPoints()
    {
        var imported = QModelImport.Import(TestModels.MobileNetV1, new ImportOptions());
        var model = imported.Model;
        Assert.Equal(Rounding.Tflite, model.Rounding);
        Assert.Equal(0, model.InputQuant!.Value.ZeroPoint);
        var source = ModelImporter.Read(TestModels.MobileNetV1);
        var weighted = model.Layers.OfType<WeightedLayer>().ToList();
        Assert.Equal(28, weighted.Count);
        var sourceZeroPoints = source.Operators.Where(o => o.Type is "CONV_2D" or "DEPTHWISE_CONV_2D")
            .Select(o => (int)source.Tensors[o.Inputs[1]].Quantization!.ZeroPoints[0] - 128).ToList();
        Assert.Equal(sourceZeroPoints, weighted.Select(l => ((Int8Weights)l.Weights).WeightZeroPoint));
        Assert.All(weighted, l => Assert.InRange(((Int8Weights)l.Weights).WeightZeroPoint, 61 - 128, 204 - 128));

        // w - zw is the source's uint8 w minus its zero point, value for value (the first convolution, OHWI to OIHW).
        var conv0 = (Int8Weights)weighted[0].Weights;
        var filter = source.Tensors[source.Operators[0].Inputs[1]];
        Assert.Equal(filter.Data![0] - (int)filter.Quantization!.ZeroPoints[0], conv0.Values[0] - conv0.WeightZeroPoint);

        var reread = QModelReader.Read(QModelWriter.Write(model));
        Assert.Equal(weighted.Select(l => ((Int8Weights)l.Weights).WeightZeroPoint), reread.Layers.OfType<WeightedLayer>().Select(l => ((Int8Weights)l.Weights).WeightZeroPoint));
    }

    [Theory]
    [InlineData("tf2_mobilenet_v2_1.0_224_ptq.tflite", "Tf2MobilenetV210224Ptq")]
    [InlineData("/x/224-model.tflite", "Model224Model")]
    [InlineData("a b.onnx", "AB")]
    public void NamesComeFromTheFileName(string path, string name) => Assert.Equal(name, QModelImport.NameFromFile(path));

    [Fact]
    public void LabelsMustMatchTheOutputAndRepeatsAreRenamed()
    {
        var report = new ImportReport();
        Assert.Equal(["a", "b", "a (2)", "a (3)"], ClassLabels.For(4, ["a", "b", "a", "a"], report));
        Assert.Equal(2, report.Notes.Count);
        Assert.Throws<InvalidDataException>(() => ClassLabels.For(3, ["a", "b"], report));
    }
}

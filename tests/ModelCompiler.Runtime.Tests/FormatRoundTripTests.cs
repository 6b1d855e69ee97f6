using CsCheck;
using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

public sealed class FormatRoundTripTests
{
    [Fact]
    public void RandomModelsReadBackIdenticalAndTextIsStable()
    {
        RandomModels.Valid.Sample(model =>
        {
            string text = QModelWriter.Write(model);
            var read = QModelReader.Read(text);
            ModelDifference.AssertEqual(model, read);
            Assert.Equal(text, QModelWriter.Write(read));
        }, iter: 2000);
    }

    [Fact]
    public void GeneratorCoversEveryOpPrecisionPaddingAndActivation()
    {
        var ops = new HashSet<LayerOp>();
        var precisions = new HashSet<(LayerOp, Precision)>();
        var paddings = new HashSet<(LayerOp, Padding)>();
        var activations = new HashSet<(LayerOp, Activation)>();
        var additions = new HashSet<(ElementKind, Activation)>();
        var versions = new HashSet<int>();
        var orders = new HashSet<FlattenOrder>();
        var weightBits = new HashSet<(LayerOp, int)>();
        var pcg = new PCG(7, 12345);
        for (int i = 0; i < 2000; i++)
        {
            var model = RandomModels.Create(pcg);
            versions.Add(QModelWriter.FormatVersionOf(model));
            foreach (var layer in model.Layers)
            {
                ops.Add(layer.Op);
                if (layer is WeightedLayer weighted)
                {
                    precisions.Add((weighted.Op, weighted.Precision));
                    AddWeightBits(weighted.Op, weighted.Weights);
                    activations.Add((weighted.Op, weighted.Activation));
                }

                switch (layer)
                {
                    case Conv2DLayer c:
                        paddings.Add((c.Op, c.Padding));
                        break;
                    case DepthwiseConv2DLayer c:
                        paddings.Add((c.Op, c.Padding));
                        break;
                    case AddLayer a:
                        additions.Add((a.OutputQuant is null ? ElementKind.Float32 : ElementKind.Int8, a.Activation));
                        activations.Add((a.Op, a.Activation));
                        break;
                    case Pool2DLayer p:
                        paddings.Add((p.Op, p.Padding));
                        break;
                    case FlattenLayer f:
                        orders.Add(f.Order);
                        break;
                }
            }
        }

        Assert.Equal(Enum.GetValues<LayerOp>().Length, ops.Count);
        Assert.Equal(3 * Enum.GetValues<Precision>().Length, precisions.Count); // conv2d, depthwise_conv2d, dense
        Assert.Equal(4 * Enum.GetValues<Padding>().Length, paddings.Count); // conv2d, depthwise_conv2d, maxpool2d, avgpool2d
        Assert.Equal(4 * Enum.GetValues<Activation>().Length, activations.Count); // conv2d, depthwise_conv2d, dense, add
        Assert.Equal(2 * Enum.GetValues<Activation>().Length, additions.Count); // int8 and float32
        Assert.Equal(Enum.GetValues<FlattenOrder>().Length, orders.Count);
        Assert.Equal(6, weightBits.Count); // conv2d, depthwise_conv2d and dense, each with 8-bit and 7-bit int8 weights
        Assert.Equal([1, 2], versions.Order());

        void AddWeightBits(LayerOp op, WeightData weights)
        {
            if (weights is Int8Weights w)
            {
                weightBits.Add((op, w.WeightBits));
            }
        }
    }

    [Fact]
    public void WeightBitsSevenIsWrittenReadAndChecked()
    {
        string eightBit = MalformedModels.BaseText.Replace("\r\n", "\n") + "\n";
        string sevenBit = eightBit.Replace(
            "  output_quant scale=0.05 zero_point=-128\n", "  output_quant scale=0.05 zero_point=-128\n  weight_bits 7\n");
        Assert.NotEqual(eightBit, sevenBit);

        var model = QModelReader.Read(sevenBit);
        var conv = (Int8Weights)((Conv2DLayer)model.Layers[0]).Weights;
        var dense = (Int8Weights)((DenseLayer)model.Layers[3]).Weights;
        Assert.Equal((7, 8), (conv.WeightBits, dense.WeightBits));
        Assert.Equal(sevenBit, QModelWriter.Write(model));

        // 8 is the default: stated or not, it reads the same and is written without the field.
        string explicitEight = eightBit.Replace("  output_quant scale=0.05 zero_point=-128\n", "  output_quant scale=0.05 zero_point=-128\n  weight_bits 8\n");
        Assert.Equal(eightBit, QModelWriter.Write(QModelReader.Read(explicitEight)));

        // A model built in memory is held to the same rule as a file.
        var outOfRange = new Int8Weights(conv.Values.Select((v, i) => i == 5 ? (sbyte)64 : v).ToArray(), conv.Scales, conv.Bias, 7);
        var layers = model.Layers.ToList();
        var c = (Conv2DLayer)layers[0];
        layers[0] = new Conv2DLayer(c.Name, c.Filters, c.KernelHeight, c.KernelWidth, c.StrideHeight, c.StrideWidth, c.Padding, c.Activation, outOfRange, c.OutputQuant);
        var bad = new QModel(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant, model.Labels, model.Provenance, layers);
        var error = Assert.Throws<QModelFormatException>(() => TensorChain.Infer(bad));
        Assert.Equal(QModelError.WeightOutsideDeclaredBits, error.Code);
        Assert.Contains("weights[5] is 64", error.Message);
    }

    [Fact]
    public void CrLfAndCommentsReadLikeTheCanonicalText()
    {
        var model = RandomModels.Create(new PCG(1, 99));
        string text = QModelWriter.Write(model);
        string decorated = "# a comment before the version line\r\n\r\n" + text.Replace("\nlayer ", "\n# next layer\n\nlayer ").Replace("\n", "\r\n");
        ModelDifference.AssertEqual(model, QModelReader.Read(decorated));
        Assert.Equal(text, QModelWriter.Write(QModelReader.Read(decorated)));
    }

    [Fact]
    public void FloatsInAttributesRoundTripBitExact()
    {
        Gen.Int[0x00800000, 0x7F7FFFFF].Sample(bits =>
        {
            float scale = BitConverter.Int32BitsToSingle(bits);
            var model = new QModel(
                "Tiny", TensorShape.Image(1, 2, 1), InputLayout.Hwc, new Preprocessing(scale, -scale), new QuantParams(scale, 3), ["only"], [],
                [
                    new FlattenLayer("flat", FlattenOrder.Hwc),
                    new DenseLayer("fc", 1, Activation.None, new Int8Weights([1, -1], [scale], [7]), new QuantParams(scale, -5)),
                ]);
            var read = QModelReader.Read(QModelWriter.Write(model));
            ModelDifference.AssertEqual(model, read);
        }, iter: 2000);
    }

    [Fact]
    public void LayerLinesPointAtTheirLayerLine()
    {
        var model = RandomModels.Create(new PCG(2, 8));
        string[] lines = QModelWriter.Write(model).Split('\n');
        foreach (var layer in QModelReader.Read(string.Join('\n', lines)).Layers)
        {
            Assert.StartsWith($"layer {layer.Name} ", lines[layer.Line - 1]);
        }
    }

    [Fact]
    public void WriteAtomicReplacesTheFileAndLeavesNoTemporaryFiles()
    {
        string directory = Directory.CreateTempSubdirectory("qmodel-io").FullName;
        try
        {
            string path = Path.Combine(directory, "model.qmodel");
            File.WriteAllText(path, "old content");
            var model = RandomModels.Create(new PCG(4, 4));
            QModelFile.WriteAtomic(path, model);
            ModelDifference.AssertEqual(model, QModelFile.Read(path));
            Assert.Equal(QModelWriter.Write(model), File.ReadAllText(path));
            Assert.Equal(["model.qmodel"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void WriteAtomicRefusesAnInvalidModelAndKeepsTheOldFile()
    {
        string directory = Directory.CreateTempSubdirectory("qmodel-io").FullName;
        try
        {
            string path = Path.Combine(directory, "model.qmodel");
            File.WriteAllText(path, "old content");
            var valid = RandomModels.Create(new PCG(4, 5));
            var invalid = new QModel(
                valid.Name, valid.InputShape, valid.InputLayout, valid.Preprocessing, valid.InputQuant,
                [.. valid.Labels, "one label too many"], valid.Provenance, valid.Layers);
            var error = Assert.Throws<QModelFormatException>(() => QModelFile.WriteAtomic(path, invalid));
            Assert.Equal(QModelError.OutputMismatch, error.Code);
            Assert.Equal("old content", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ReadingAFileThatIsNotUtf8NamesTheLine()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [.. "qmodel 1\nname A\n"u8.ToArray(), 0xFF, 0xFE, (byte)'\n']);
            var error = Assert.Throws<QModelFormatException>(() => QModelFile.Read(path));
            Assert.Equal((QModelError.Syntax, 3), (error.Code, error.Line));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

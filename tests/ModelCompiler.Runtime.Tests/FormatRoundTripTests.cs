using CsCheck;
using ModelCompiler.Format;
using ModelCompiler.IO;

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
        var activations = new HashSet<Activation>();
        var orders = new HashSet<FlattenOrder>();
        var pcg = new PCG(7, 12345);
        for (int i = 0; i < 2000; i++)
        {
            var model = RandomModels.Create(pcg);
            foreach (var layer in model.Layers)
            {
                ops.Add(layer.Op);
                switch (layer)
                {
                    case Conv2DLayer c:
                        precisions.Add((c.Op, c.Precision));
                        paddings.Add((c.Op, c.Padding));
                        activations.Add(c.Activation);
                        break;
                    case DenseLayer d:
                        precisions.Add((d.Op, d.Precision));
                        activations.Add(d.Activation);
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
        Assert.Equal(2 * Enum.GetValues<Precision>().Length, precisions.Count);
        Assert.Equal(3 * Enum.GetValues<Padding>().Length, paddings.Count);
        Assert.Equal(Enum.GetValues<Activation>().Length, activations.Count);
        Assert.Equal(Enum.GetValues<FlattenOrder>().Length, orders.Count);
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

using ModelCompiler.Format;
using ModelCompiler.Interpreter;

namespace Consumer.Tests;

/// <summary>The generated classes exist after a real `dotnet build` and agree with the reference interpreter.</summary>
public sealed class GeneratedModelTests
{
    private static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "Models", "fashion-cnn.qmodel");

    [Fact]
    public void GeneratedClassIsInTheRootNamespaceAndMatchesTheInterpreter()
    {
        Assert.Equal(28, FashionCnn.InputHeight);
        Assert.Equal(784, FashionCnn.InputLength);
        Assert.Equal(10, FashionCnn.ClassCount);
        var interpreter = new ReferenceInterpreter(QModelReader.Read(File.ReadAllText(ModelPath)));
        var random = new Random(1);
        var pixels = new byte[FashionCnn.InputLength];
        var logits = new float[FashionCnn.ClassCount];
        for (int i = 0; i < 100; i++)
        {
            random.NextBytes(pixels);
            var expected = interpreter.Run(pixels);
            Assert.Equal(expected.ArgMax, FashionCnn.Predict(pixels));
            Assert.Equal(expected.Label, FashionCnn.PredictLabel(pixels));
            FashionCnn.PredictLogits(pixels, logits);
            Assert.Equal(expected.Scores, logits);
        }
    }

    /// <summary>The trained sample (7-bit weights) in a consumer built with checked arithmetic and XML docs.</summary>
    [Fact]
    public void SevenBitSampleMatchesTheInterpreterOnFloatAndPixelInputs()
    {
        var interpreter = ReferenceInterpreter.Load(Path.Combine(AppContext.BaseDirectory, "Models", "fashion-sample.qmodel"));
        var random = new Random(2);
        var pixels = new byte[SevenBit.FashionClassifier.InputLength];
        var floats = new float[SevenBit.FashionClassifier.InputLength];
        var logits = new float[SevenBit.FashionClassifier.ClassCount];
        for (int i = 0; i < 100; i++)
        {
            random.NextBytes(pixels);
            for (int j = 0; j < floats.Length; j++)
            {
                floats[j] = (float)(random.NextDouble() * 1.2 - 0.1);
            }

            SevenBit.FashionClassifier.PredictLogits(pixels, logits);
            Assert.Equal(interpreter.Run(pixels).Scores, logits);
            SevenBit.FashionClassifier.PredictLogits(floats, logits);
            Assert.Equal(interpreter.Run(floats).Scores, logits);
        }
    }

    [Fact]
    public void BatchOverAllCoresEqualsPredictPerImage()
    {
        const int Images = 37;
        var pixels = new byte[Images * FashionCnn.InputLength];
        new Random(3).NextBytes(pixels);
        var predictions = new int[Images];
        var logits = new float[Images * FashionCnn.ClassCount];
        var row = new float[FashionCnn.ClassCount];
        foreach (int threads in new[] { -1, 1, 2 })
        {
            FashionCnn.PredictBatch(pixels, predictions, threads);
            FashionCnn.PredictBatchLogits(pixels, logits, maxDegreeOfParallelism: threads);
            for (int i = 0; i < Images; i++)
            {
                var image = pixels.AsSpan(i * FashionCnn.InputLength, FashionCnn.InputLength);
                Assert.Equal(FashionCnn.Predict(image), predictions[i]);
                FashionCnn.PredictLogits(image, row);
                Assert.Equal(row, logits.AsSpan(i * FashionCnn.ClassCount, FashionCnn.ClassCount).ToArray());
            }
        }
    }

    [Fact]
    public void NamespaceMetadataPlacesTheSecondModel()
    {
        Assert.Equal("Consumer.Tests.Small", typeof(Small.TinyStripes).Namespace);
        var interpreter = new ReferenceInterpreter(QModelReader.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "tiny-stripes.qmodel"))));
        Assert.Equal(["dark", "light", "striped \"zebra\""], Small.TinyStripes.Labels);
        var random = new Random(2);
        var pixels = new byte[Small.TinyStripes.InputLength];
        for (int i = 0; i < 100; i++)
        {
            random.NextBytes(pixels);
            Assert.Equal(interpreter.Run(pixels).Label, Small.TinyStripes.PredictLabel(pixels));
        }
    }
}

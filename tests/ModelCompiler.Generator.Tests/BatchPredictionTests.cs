using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// PredictBatch and PredictBatchLogits: the same answers as the single-image calls for every batch size and thread cap,
/// clear errors for bad buffers, and no allocation per image.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BatchPredictionTests
{
    /// <summary>1 image; odd sizes; more images than threads and blocks (33 at 2 threads: 16 blocks of 2 and a last block of 1).</summary>
    private static readonly int[] BatchSizes = [1, 2, 7, 33];

    /// <summary>Inline, two threads, one per core, and more threads than this machine's 2 cores.</summary>
    private static readonly int[] Caps = [1, 2, -1, 5];

    public static TheoryData<string> Models => new() { "fashion", "random-int8", "mixed-chw-float-output" };

    [Theory]
    [MemberData(nameof(Models))]
    public void BatchResultsEqualPerImageResults(string which)
    {
        var model = Model(which);
        using var compiled = CompiledModel.Build(model);
        int length = model.InputShape.Length;
        int classes = model.Labels.Count;
        var random = new Random(which.Length);
        int largest = BatchSizes.Max();
        var inputs = new float[largest * length];
        var pixels = new byte[largest * length];
        for (int n = 0; n < largest; n++)
        {
            BitExactness.RandomInput(random, length, allowSpecial: false).CopyTo(inputs, n * length);
        }

        random.NextBytes(pixels);
        var expectedClass = new int[largest];
        var expectedPixelClass = new int[largest];
        var expectedLogits = new float[largest * classes];
        var expectedPixelLogits = new float[largest * classes];
        var row = new float[classes];
        for (int n = 0; n < largest; n++)
        {
            var x = inputs.AsSpan(n * length, length).ToArray();
            var p = pixels.AsSpan(n * length, length).ToArray();
            expectedClass[n] = compiled.Predict(x);
            expectedPixelClass[n] = compiled.PredictPixels(p);
            compiled.Logits(x, row);
            row.CopyTo(expectedLogits, n * classes);
            compiled.LogitsPixels(p, row);
            row.CopyTo(expectedPixelLogits, n * classes);
        }

        Assert.True(expectedClass.Distinct().Count() > 1 || expectedLogits.Distinct().Count() > classes, $"{which}: every image gives the same output");
        foreach (int count in BatchSizes)
        {
            var x = inputs.AsSpan(0, count * length).ToArray();
            var p = pixels.AsSpan(0, count * length).ToArray();
            foreach (int cap in Caps)
            {
                string where = $"{which}, {count} images, cap {cap}";

                // One spare slot past the batch: it must stay untouched.
                var predictions = Filled(count + 1, -7);
                compiled.PredictBatch(x, predictions, cap);
                Assert.True(expectedClass.AsSpan(0, count).SequenceEqual(predictions.AsSpan(0, count)), where + ": classes differ from Predict");
                Assert.Equal(-7, predictions[count]);

                predictions = Filled(count + 1, -7);
                compiled.PredictBatchPixels(p, predictions, cap);
                Assert.True(expectedPixelClass.AsSpan(0, count).SequenceEqual(predictions.AsSpan(0, count)), where + ": classes differ from Predict (pixels)");
                Assert.Equal(-7, predictions[count]);

                var logits = new float[count * classes + 1];
                logits[^1] = 42f;
                compiled.BatchLogits(x, logits, cap);
                AssertSameBits(expectedLogits.AsSpan(0, count * classes), logits.AsSpan(0, count * classes), where);
                Assert.Equal(42f, logits[^1]);

                logits = new float[count * classes];
                compiled.BatchLogitsPixels(p, logits, cap);
                AssertSameBits(expectedPixelLogits.AsSpan(0, count * classes), logits, where + " (pixels)");
            }
        }
    }

    [Fact]
    public void BadBuffersAndCapsGetClearErrors()
    {
        var model = new TestModels(61).FashionCnn();
        using var compiled = CompiledModel.Build(model);

        var ragged = Assert.Throws<ArgumentException>(() => compiled.PredictBatch(new float[3 * 784 + 5], new int[4], -1));
        Assert.Equal("inputs", ragged.ParamName);
        Assert.Contains("784", ragged.Message);
        Assert.Contains("2357", ragged.Message);
        Assert.Contains("3 images and 5 values more", ragged.Message);
        Assert.Equal("pixels", Assert.Throws<ArgumentException>(() => compiled.PredictBatchPixels(new byte[783], new int[1], 1)).ParamName);

        var shortPredictions = Assert.Throws<ArgumentException>(() => compiled.PredictBatch(new float[3 * 784], new int[2], 2));
        Assert.Equal("predictions", shortPredictions.ParamName);
        Assert.Contains("at least 3", shortPredictions.Message);
        Assert.Contains("holds 2", shortPredictions.Message);

        var shortLogits = Assert.Throws<ArgumentException>(() => compiled.BatchLogits(new float[3 * 784], new float[29], -1));
        Assert.Equal("logits", shortLogits.ParamName);
        Assert.Contains("at least 30", shortLogits.Message);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => compiled.BatchLogitsPixels(new byte[2 * 784], new float[19], 1)).ParamName);

        foreach (int cap in new[] { 0, -2, int.MinValue })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => compiled.PredictBatch(new float[784], new int[1], cap));
            Assert.Equal("maxDegreeOfParallelism", error.ParamName);
        }

        // An empty batch is valid and writes nothing.
        var untouched = Filled(2, -7);
        compiled.PredictBatch([], untouched, -1);
        compiled.PredictBatchPixels([], [], 2);
        Assert.Equal(new[] { -7, -7 }, untouched);
    }

    private static QModel Model(string which) => which switch
    {
        "fashion" => new TestModels(63).FashionCnn(),
        "random-int8" => new TestModels(64).RandomInt8(),
        _ => new TestModels(65).MixedPrecision(InputLayout.Chw, floatInput: true),
    };

    private static int[] Filled(int length, int value)
    {
        var values = new int[length];
        Array.Fill(values, value);
        return values;
    }

    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{where}: logit {i} is {actual[i]}, Predict gives {expected[i]}");
        }
    }
}

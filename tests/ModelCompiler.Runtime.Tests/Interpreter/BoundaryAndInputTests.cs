using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using static ModelCompiler.Testing.HandModels;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>Quantize/dequantize boundaries, mixed precision, the two input paths, and input validation.</summary>
public sealed class BoundaryAndInputTests
{
    [Fact]
    public void QuantizeLayerRoundsHalfToEvenInFloat32AndSaturates()
    {
        // 0.35f / 0.1f is 3.5 in float32 -> 4; 0.25f / 0.1f is 2.5 -> 2; beyond the range saturates.
        var model = Create(TensorShape.Image(1, 1, 5), null, 5, new FlattenLayer("flat", FlattenOrder.Hwc), new QuantizeLayer("q", new QuantParams(0.1f, 0)));
        var result = new ReferenceInterpreter(model).Run([0.35f, 0.25f, -0.25f, 13f, -13f]);
        Assert.Equal(new sbyte[] { 4, 2, -2, 127, -128 }, result.Int8Output);
        Assert.Equal(new[] { 4 * 0.1f, 2 * 0.1f, -2 * 0.1f, 127 * 0.1f, -128 * 0.1f }, result.Scores);
    }

    [Fact]
    public void DequantizeLayerGivesFloatScores()
    {
        // Input quantization (0.5, 10): x = 3 -> q = 16; dequantized (16 - 10) * 0.5 = 3. x = -70 saturates to -128,
        // dequantized (-128 - 10) * 0.5 = -69.
        var model = Create(TensorShape.Image(1, 1, 2), new QuantParams(0.5f, 10), 2, new FlattenLayer("flat", FlattenOrder.Hwc), new DequantizeLayer("dq"));
        var result = new ReferenceInterpreter(model).Run([3f, -70f]);
        Assert.Null(result.Int8Output);
        Assert.Equal(new[] { 3f, -69f }, result.Scores);
    }

    [Fact]
    public void MixedPrecisionInt8ThenFloat32DenseThenSoftmax()
    {
        // Input q(0.5, 1): x = [1, -0.75, 2.2] -> ratios 2, -1.5, 4.4 -> [2, -2, 4] (ties to even) + 1 = [3, -1, 5].
        // Int8 dense, weights [[2, 0, -1], [1, 1, 1]] scales [0.25, 0.5], bias [4, -1], output q(0.125, -3):
        // x - zp = [2, -2, 4]; acc = [4 + 4 - 4, -1 + 2 - 2 + 4] = [4, 3]; multipliers 0.5 * 0.25 / 0.125 = 1 and
        // 0.5 * 0.5 / 0.125 = 2: y = [4 - 3, 6 - 3] = [1, 3]; dequantized [0.5, 0.75].
        // Float32 dense 2 -> 3, weights [[1, 2], [-4, 0.5], [0, 0]], bias [0.25, 1, -1]: [2.25, -0.625, -1].
        var model = Create(TensorShape.Image(1, 1, 3), new QuantParams(0.5f, 1), 3,
            new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("int8", 2, Activation.None, new Int8Weights([2, 0, -1, 1, 1, 1], [0.25f, 0.5f], [4, -1]), new QuantParams(0.125f, -3)),
            new DequantizeLayer("dq"),
            new DenseLayer("float", 3, Activation.None, new Float32Weights([1f, 2f, -4f, 0.5f, 0f, 0f], [0.25f, 1f, -1f]), null),
            new SoftmaxLayer("softmax"));
        var interpreter = new ReferenceInterpreter(model);
        Assert.Equal(ElementKind.Float32, interpreter.OutputTensor.Kind);
        var result = interpreter.Run([1f, -0.75f, 2.2f]);
        Assert.Null(result.Int8Output);
        Assert.Equal(new[] { 2.25f, -0.625f, -1f }, result.Scores);
        Assert.Equal(0, result.ArgMax);
        Assert.Equal("c0", result.Label);
        double[] exp = [Math.Exp(2.25), Math.Exp(-0.625), Math.Exp(-1)];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(exp[i] / exp.Sum(), result.Probabilities[i], 6);
        }
    }

    [Fact]
    public void Int8OutputBeforeSoftmaxIsReturnedRawAndDequantized()
    {
        // Int8 dense with softmax after it: Int8Output is the int8 logits, Scores their dequantized values, and
        // ArgMax the first maximum (indices 1 and 2 tie).
        var model = Create(TensorShape.Image(1, 1, 1), Unit, 3,
            new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 3, Activation.None, new Int8Weights([-2, 5, 5], [1f, 1f, 1f], [0, 0, 0]), new QuantParams(0.5f, 1)),
            new SoftmaxLayer("softmax"));
        var result = new ReferenceInterpreter(model).Run([2f]);
        Assert.Equal(new sbyte[] { -7, 21, 21 }, result.Int8Output);
        Assert.Equal(new[] { -4f, 10f, 10f }, result.Scores);
        Assert.Equal(1, result.ArgMax);
        Assert.Equal(1.0, result.Probabilities.Sum(), 5);
    }

    [Theory]
    [InlineData(InputLayout.Hwc, 1f / 255, 0f)]
    [InlineData(InputLayout.Chw, 1f / 255, 0f)]
    [InlineData(InputLayout.Hwc, 2f / 255, -1f)]
    public void RawPixelsEqualTheirPreprocessedFloats(InputLayout layout, float scale, float offset)
    {
        foreach (int seed in new[] { 3, 8, 21 })
        {
            var random = InterpreterTestModels.Create(seed).Model;
            var model = new QModel(random.Name, random.InputShape, layout, new Preprocessing(scale, offset), random.InputQuant, random.Labels, random.Provenance, random.Layers);
            var interpreter = new ReferenceInterpreter(model);
            var rng = new Random(seed);
            var pixels = new byte[interpreter.InputLength];
            rng.NextBytes(pixels);
            var floats = new float[pixels.Length];
            for (int i = 0; i < pixels.Length; i++)
            {
                float scaled = pixels[i] * scale;
                floats[i] = scaled + offset;
            }

            var fromBytes = interpreter.Run((ReadOnlySpan<byte>)pixels);
            var fromFloats = interpreter.Run(floats);
            Assert.Equal(fromFloats.Int8Output, fromBytes.Int8Output);
            Assert.Equal(fromFloats.Scores.Select(BitConverter.SingleToInt32Bits), fromBytes.Scores.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(fromFloats.ArgMax, fromBytes.ArgMax);
        }
    }

    [Theory]
    [InlineData(1f / 255, 0f)]
    [InlineData(1f / 127.5f, -1f)]
    [InlineData(0.017125f, -2.1179f)]
    public void EveryPixelValueIsPreprocessedAsMultiplyThenAddInFloat32(float scale, float offset)
    {
        // A float model whose output is its input: the scores are the preprocessed pixels, for all 256 values.
        var model = Create(TensorShape.Image(16, 16, 1), InputLayout.Hwc, new Preprocessing(scale, offset), null, 256, new FlattenLayer("flat", FlattenOrder.Hwc));
        var pixels = Enumerable.Range(0, 256).Select(p => (byte)p).ToArray();
        var scores = new ReferenceInterpreter(model).Run((ReadOnlySpan<byte>)pixels).Scores;
        for (int p = 0; p < 256; p++)
        {
            float scaled = p * scale;
            Assert.Equal(BitConverter.SingleToInt32Bits(scaled + offset), BitConverter.SingleToInt32Bits(scores[p]));
        }
    }

    [Fact]
    public void PlanarAndInterleavedInputsAgree()
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            var random = InterpreterTestModels.Create(seed).Model;
            var hwcModel = new QModel(random.Name, random.InputShape, InputLayout.Hwc, random.Preprocessing, random.InputQuant, random.Labels, [], random.Layers);
            var chwModel = new QModel(random.Name, random.InputShape, InputLayout.Chw, random.Preprocessing, random.InputQuant, random.Labels, [], random.Layers);
            var hwc = RandomTestModel.RandomInput(new Random(seed), random.InputShape);
            var chw = new RandomTestModel(chwModel, [], new HashSet<string>(), "").InCallerLayout(hwc);
            var a = new ReferenceInterpreter(hwcModel).Run(hwc);
            var b = new ReferenceInterpreter(chwModel).Run(chw);
            Assert.Equal(a.Int8Output, b.Int8Output);
            Assert.Equal(a.Scores, b.Scores);
        }
    }

    [Fact]
    public void WrongInputLengthNamesTheExpectedLength()
    {
        var model = Create(TensorShape.Image(2, 3, 2), Unit, 12, new FlattenLayer("flat", FlattenOrder.Hwc));
        var interpreter = new ReferenceInterpreter(model);
        var floatError = Assert.Throws<ArgumentException>(() => interpreter.Run(new float[11]));
        Assert.Contains("12", floatError.Message);
        Assert.Contains("11", floatError.Message);
        Assert.Equal("input", floatError.ParamName);
        var byteError = Assert.Throws<ArgumentException>(() => interpreter.Run((ReadOnlySpan<byte>)new byte[13]));
        Assert.Contains("12", byteError.Message);
        Assert.Equal("pixels", byteError.ParamName);
    }

    [Fact]
    public void InvalidModelIsRejectedByTheTensorChain()
    {
        // A dense layer straight after an image: the chain is broken, and the constructor says so.
        var model = Create(TensorShape.Image(2, 2, 1), Unit, 1,
            new DenseLayer("dense", 1, Activation.None, new Int8Weights([1, 1, 1, 1], [1f], [0]), Unit));
        var error = Assert.Throws<QModelFormatException>(() => new ReferenceInterpreter(model));
        Assert.Equal(QModelError.ShapeMismatch, error.Code);
    }

    [Fact]
    public void ConcurrentRunsAgreeWithSequentialRuns()
    {
        var models = Enumerable.Range(1, 6).Select(seed => InterpreterTestModels.Create(seed).Model).ToArray();
        var interpreters = models.Select(m => new ReferenceInterpreter(m)).ToArray();
        var inputs = Enumerable.Range(0, 64).Select(i => RandomTestModel.RandomInput(new Random(i), models[i % models.Length].InputShape)).ToArray();
        var sequential = inputs.Select((x, i) => interpreters[i % models.Length].Run(x).Scores).ToArray();
        var parallel = new float[inputs.Length][];
        Parallel.For(0, inputs.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, j =>
        {
            int i = j % inputs.Length;
            parallel[i] = interpreters[i % models.Length].Run(inputs[i]).Scores;
        });
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }
}

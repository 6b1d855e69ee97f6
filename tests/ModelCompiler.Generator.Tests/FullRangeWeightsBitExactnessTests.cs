using ModelCompiler.Format;
using ModelCompiler.Generator.Pipeline;
using ModelCompiler.Generator.Planning.Lowering;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Full 8-bit weights (TFLite's [-127, 127]) on the register-blocked convolution, at the worst case of its pair-summing
/// paths: every weight at -127 or 127 (or ±127 alternating, or random extremes) against inputs of q = 127 (uint8 255
/// in the kernel), where one vpmaddubsw pair would reach 2 * 255 * 127 = 64770, of q = -128 (uint8 0), and alternating
/// -128 and 127 over the channels, which meets alternating weights -127 and 127 in the same pair. Generated code against
/// the reference interpreter on every vector path this process runs, with each rounding rule (the name puts it in CI's
/// reduced instruction set reruns, .ci/run).
/// </summary>
public sealed class FullRangeWeightsBitExactnessTests
{
    public static IEnumerable<object[]> Patterns =>
        from pattern in new[] { "127", "-127", "alternating", "random extremes" }
        from rounding in new[] { Rounding.Single, Rounding.Tflite }
        select new object[] { pattern, rounding, VectorPaths.Description };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void ExtremeWeightsAndInputsMatchTheInterpreterOnEveryPath(string pattern, Rounding rounding, string paths)
    {
        Assert.Equal(VectorPaths.Description, paths);
        var model = Model(pattern, rounding);
        var plan = ModelCompilation.Plan(new ModelSource("/m/" + model.Name + ".qmodel", QModelWriter.Write(model), "N", NotUtf8Line: 0), CancellationToken.None).Plan!;
        var blocked = plan.Steps.OfType<Int8BlockedConvStep>().ToArray();
        Assert.Equal(2, blocked.Length);
        Assert.All(blocked, s => Assert.True(s.Layout.FullRangeWeights));
        Assert.NotNull(blocked[0].Pool);

        using var compiled = CompiledModel.Build(model);
        var interpreter = BitExactness.Interpreter(model);
        var random = new Random(pattern.Length);
        int length = model.InputShape.Length;
        float high = (127 + 3) * 0.02f, low = (-128 + 3) * 0.02f;
        var inputs = new List<float[]>
        {
            Enumerable.Repeat(high, length).ToArray(),
            Enumerable.Repeat(low, length).ToArray(),
            Enumerable.Range(0, length).Select(i => i % 2 == 0 ? low : high).ToArray(),
        };
        for (int n = 0; n < 6; n++)
        {
            inputs.Add(Enumerable.Range(0, length).Select(_ => n < 3 ? (random.Next(8) == 0 ? low : high) : (float)(low + random.NextDouble() * (high - low))).ToArray());
        }

        var output = new sbyte[model.Labels.Count];
        var outputs = new HashSet<string>();
        foreach (var x in inputs)
        {
            var expected = interpreter.Run(x).Int8Output!;
            outputs.Add(string.Join(",", expected));
            foreach (int bits in BitExactness.VectorWidths)
            {
                compiled.SetVectorBits(bits);
                compiled.QuantizedLogits!(x, output);
                Assert.True(expected.AsSpan().SequenceEqual(output), $"{pattern}, {bits} bits: [{string.Join(", ", output)}] instead of [{string.Join(", ", expected)}]");
            }
        }

        Assert.True(outputs.Count > 1, "the output is the same for every input");
    }

    /// <summary>
    /// 6x6x8 input (scale 0.02, zero point -3) -> 3x3 conv, 20 filters (padded to 32), fused 2x2 max pool -> 1x1 conv,
    /// 16 filters -> flatten -> dense, 10 units; conv weights follow <paramref name="pattern"/>, the dense ones are random.
    /// Each weight index alternates parity within a 4-byte group (r = kx * Cin + ci: consecutive ci are 9 or 1 indices apart).
    /// </summary>
    private static QModel Model(string pattern, Rounding rounding)
    {
        var random = new Random(7);
        sbyte Weight(int i) => pattern switch
        {
            "127" => 127,
            "-127" => -127,
            "alternating" => (sbyte)(i % 2 == 0 ? 127 : -127),
            _ => (sbyte)(random.Next(3) == 0 ? random.Next(-127, 128) : random.Next(2) == 0 ? 127 : -127),
        };

        Int8Weights Weights(int outputs, int count, Func<int, sbyte> value) => new(
            Enumerable.Range(0, count).Select(value).ToArray(),
            Enumerable.Range(0, outputs).Select(c => 0.004f + (0.0003f * c)).ToArray(),
            Enumerable.Range(0, outputs).Select(c => random.Next(-2000, 2000)).ToArray());

        // Output scales put the extreme accumulators (about 130 * 127 * 72 * 1e-4 = 119 after conv1) inside the int8 range.
        Layer[] layers =
        [
            new Conv2DLayer("conv1", 20, 3, 3, 1, 1, Padding.Same, Activation.None, Weights(20, 20 * 8 * 9, Weight), new QuantParams(1.2f, 2)),
            new Pool2DLayer("pool", true, 2, 2, 2, 2, Padding.Valid),
            new Conv2DLayer("conv2", 16, 1, 1, 1, 1, Padding.Valid, Activation.Relu, Weights(16, 16 * 20, Weight), new QuantParams(12f, -128)),
            new FlattenLayer("flat", FlattenOrder.Hwc),
            new DenseLayer("dense", 10, Activation.None, Weights(10, 10 * 144, _ => (sbyte)random.Next(-127, 128)), new QuantParams(0.5f, 0)),
        ];
        var model = HandModels.Create(TensorShape.Image(6, 6, 8), new QuantParams(0.02f, -3), 10, layers);
        return new QModel("FullRange" + pattern.Replace(" ", string.Empty).Replace("-", "Minus") + rounding, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant, model.Labels, model.Provenance, model.Layers)
        {
            Rounding = rounding,
        };
    }
}

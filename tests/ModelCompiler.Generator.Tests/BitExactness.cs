using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Runs a compiled model and the reference interpreter on the same inputs and demands identical outputs, on every
/// vector path this process can run (<see cref="VectorPaths"/>: a path the CPU or the runtime's switches do not offer
/// is not claimed; CI runs the suite again with AVX-512 and with AVX2 disabled).
/// </summary>
public static class BitExactness
{
    /// <summary>
    /// Inputs for the Intel-sized models (intel-cnn, intel-mobilenet). The reference interpreter needs ~0.1 s per input
    /// of these (two runs per input: floats and pixels), so CI checks 100 inputs (~25 s per model);
    /// MODELCOMPILER_FULL_BITEXACT=1 checks 1,000 (~4 minutes each on 2 cores).
    /// </summary>
    public static int LargeModelInputs => Environment.GetEnvironmentVariable("MODELCOMPILER_FULL_BITEXACT") == "1" ? 1000 : 100;

    /// <summary>The <c>VectorBits</c> of the paths this process runs, widest first.</summary>
    public static int[] VectorWidths => VectorPaths.AvailableBits.ToArray();

    /// <summary>
    /// <paramref name="count"/> float inputs and as many raw-pixel inputs; every vector width; compares the pre-softmax
    /// output bit for bit (NaN matches NaN), the int8 output when there is one, and the predicted class.
    /// </summary>
    public static void Check(QModel model, CompiledModel compiled, int count, int seed, string paths)
    {
        Assert.True(paths == VectorPaths.Description, $"the test names paths {paths} but this process runs {VectorPaths.Description}");
        int[] widths = VectorWidths;
        var random = new Random(seed);
        int length = model.InputShape.Length;
        var inputs = new float[count][];
        var inputPixels = new byte[count][];
        for (int n = 0; n < count; n++)
        {
            inputs[n] = RandomInput(random, length, allowSpecial: model.InputQuant is null || n % 50 == 7);
            inputPixels[n] = new byte[length];
            random.NextBytes(inputPixels[n]);
        }

        // Answers n (floats) and count + n (pixels), from the interpreter or from this build's earlier run of it.
        var answers = OracleAnswers.Get(model, inputs, inputPixels, () =>
        {
            var interpreter = Interpreter(model);
            return [.. inputs.Select(x => OracleAnswer.Of(interpreter.Run(x))), .. inputPixels.Select(p => OracleAnswer.Of(interpreter.Run(p)))];
        });
        int classes = model.Labels.Count;
        var logits = new float[classes];
        var quantized = new sbyte[classes];
        int checkedOutputs = 0;
        var distinctOutputs = new HashSet<string>();
        for (int n = 0; n < count; n++)
        {
            var x = inputs[n];
            var pixels = inputPixels[n];
            var expected = answers[n];
            var expectedPixels = answers[count + n];
            distinctOutputs.Add(string.Join(",", expected.Scores));
            foreach (int bits in widths)
            {
                // Every kernel path runs on both inputs; the entry points that only differ after the kernels (argmax,
                // dequantized vs raw output) are checked on the widest path, which keeps the slow scalar runs few.
                compiled.SetVectorBits(bits);
                string where = $"model {model.Name}, input {n}, path {VectorPaths.All.Single(p => p.Bits == bits).Name}";
                if (bits == widths[0] || expected.Int8Output is null)
                {
                    compiled.Logits(x, logits);
                    AssertSame(expected.Scores, logits, where);
                    compiled.LogitsPixels(pixels, logits);
                    AssertSame(expectedPixels.Scores, logits, where + " (pixels)");
                }

                if (expected.Int8Output is { } int8)
                {
                    compiled.QuantizedLogits!(x, quantized);
                    Assert.True(int8.AsSpan().SequenceEqual(quantized), $"{where}: int8 output differs");
                    compiled.QuantizedLogitsPixels!(pixels, quantized);
                    Assert.True(expectedPixels.Int8Output!.AsSpan().SequenceEqual(quantized), $"{where}: int8 output differs (pixels)");
                }

                if (bits == widths[0])
                {
                    int predicted = compiled.Predict(x);
                    Assert.True(expected.ArgMax == predicted, $"{where}: class {predicted} instead of {expected.ArgMax}");
                    Assert.Equal(expectedPixels.ArgMax, compiled.PredictPixels(pixels));
                }

                checkedOutputs++;
            }
        }

        compiled.SetVectorBits(VectorPaths.WidestBits);
        Assert.Equal(count * widths.Length, checkedOutputs);

        // A model whose output never changes would make the comparison meaningless.
        Assert.True(distinctOutputs.Count > 1, $"model {model.Name}: the output is the same for every input");
    }

    /// <summary>The Runtime's reference interpreter on the model as the Runtime reads it back from the text format.</summary>
    public static ReferenceInterpreter Interpreter(QModel model) =>
        new(QModelReader.Read(QModelWriter.Write(model)));

    public static float[] RandomInput(Random random, int length, bool allowSpecial)
    {
        var x = new float[length];
        int style = random.Next(4);
        for (int i = 0; i < length; i++)
        {
            x[i] = style switch
            {
                0 => (float)random.NextDouble(),
                1 => (float)(random.NextDouble() * 3 - 1),
                2 => random.Next(256) / 255f,
                _ => (float)(random.NextDouble() * 0.2 + 0.4),
            };
        }

        if (allowSpecial)
        {
            float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 1e30f, -1e30f, float.Epsilon];
            x[random.Next(length)] = special[random.Next(special.Length)];
        }

        return x;
    }

    private static void AssertSame(float[] expected, float[] actual, string where)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]);
            Assert.True(same, $"{where}: output {i} is {actual[i]:R} instead of {expected[i]:R}");
        }
    }
}

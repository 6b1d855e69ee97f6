using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Native;
using ModelCompiler.Trainer.Quantization;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Tests;

public sealed class FakeQuantizerTests
{
    [Fact]
    public void Activation_fake_quant_rounds_exactly_like_the_runtime_quantizer()
    {
        TorchRuntime.EnsureLoaded();
        var random = new Random(3);
        var quant = new QuantParams(0.0123f, -7);
        var values = new float[20000];
        for (int i = 0; i < values.Length; i++)
        {
            // Include exact ties (k + 0.5) * scale and values beyond the int8 range.
            values[i] = i % 4 == 0 ? (random.Next(-300, 300) + 0.5f) * quant.Scale : (float)(random.NextDouble() * 4 - 2);
        }

        using var x = tensor(values);
        using var fq = FakeQuantizer.Activation(x, quant);
        var simulated = fq.data<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            float runtime = Quantizer.Dequantize(Quantizer.Quantize(values[i], quant), quant);
            Assert.True(runtime == simulated[i], $"x={values[i]:R}: runtime {runtime:R}, simulation {simulated[i]:R}");
        }
    }

    [Fact]
    public void Weights_are_symmetric_per_output_channel_within_127()
    {
        TorchRuntime.EnsureLoaded();
        using var w = tensor(new float[] { 0.5f, -1.27f, 0.01f, 0f, 0f, 0f, 2f, 1f, -0.3f }, [3, 3]);
        var (q, scale) = FakeQuantizer.QuantizeWeights(w);
        using (q)
        using (scale)
        {
            Assert.Equal([1.27f / 127f, 1f, 2f / 127f], scale.data<float>().ToArray());
            Assert.Equal([50f, -127f, 1f, 0f, 0f, 0f, 127f, 64f, -19f], q.data<float>().ToArray());
        }
    }

    [Fact]
    public void Seven_bit_weights_are_symmetric_per_output_channel_within_63()
    {
        TorchRuntime.EnsureLoaded();
        using var w = tensor(new float[] { 0.5f, -1.26f, 0.01f, 0f, 0f, 0f, 2f, 1f, -0.3f }, [3, 3]);
        var (q, scale) = FakeQuantizer.QuantizeWeights(w, 7);
        using (q)
        using (scale)
        {
            Assert.Equal([1.26f / 63f, 1f, 2f / 63f], scale.data<float>().ToArray());
            // Near-ties: 0.01 / (1.26 / 63) and 1 / (2 / 63) come out at (or just under) 0.5 and 31.5 in float32.
            Assert.Equal([25f, -63f, 0f, 0f, 0f, 0f, 63f, 31f, -9f], q.data<float>().ToArray());
        }
    }

    /// <summary>
    /// The weights QAT simulates are the Runtime's: q = clamp(Quantizer.Quantize(w, (scale[c], 0)), -qmax, qmax) with
    /// scale[c] = max|w[c]| / qmax in float32, and the simulated weight is q * scale[c] in float32, bit for bit.
    /// </summary>
    [Theory]
    [InlineData(8)]
    [InlineData(7)]
    public void Weight_fake_quant_equals_the_runtime_quantizer_bit_for_bit(int bits)
    {
        TorchRuntime.EnsureLoaded();
        const int outputs = 16, perOutput = 3 * 3 * 5;
        var random = new Random(bits);
        var values = new float[outputs * perOutput];
        for (int i = 0; i < values.Length; i++)
        {
            // Wide-ranging magnitudes per channel, some exact multiples and half-multiples of a round step.
            float magnitude = MathF.Pow(10, (i / perOutput % 5) - 3);
            values[i] = i % 7 == 0 ? (random.Next(-120, 120) + 0.5f) * magnitude / 64 : (float)(random.NextDouble() * 2 - 1) * magnitude;
        }

        int qmax = Int8Weights.MaxMagnitude(bits);
        using var w = tensor(values, [outputs, 3, 3, 5]);
        var (q, scale) = FakeQuantizer.QuantizeWeights(w, bits);
        using var simulated = FakeQuantizer.Weights(w, bits);
        using (q)
        using (scale)
        {
            float[] qs = q.data<float>().ToArray(), scales = scale.data<float>().ToArray(), weights = simulated.data<float>().ToArray();
            for (int c = 0; c < outputs; c++)
            {
                float max = 0;
                for (int j = 0; j < perOutput; j++)
                {
                    max = MathF.Max(max, MathF.Abs(values[c * perOutput + j]));
                }

                float expectedScale = max / qmax;
                Assert.Equal(BitConverter.SingleToInt32Bits(expectedScale), BitConverter.SingleToInt32Bits(scales[c]));
                for (int j = 0; j < perOutput; j++)
                {
                    int i = c * perOutput + j;
                    int expected = Math.Clamp(Quantizer.Quantize(values[i], new QuantParams(expectedScale, 0)), -qmax, qmax);
                    Assert.True(expected == qs[i], $"w={values[i]:R}, scale {expectedScale:R}: runtime {expected}, simulation {qs[i]}");
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected * expectedScale), BitConverter.SingleToInt32Bits(weights[i]));
                }
            }

            Assert.Contains(qs, v => Math.Abs(v) == qmax);
        }
    }

    [Theory]
    [InlineData(0f, 6f, -128)]
    [InlineData(-1f, 3f, -64)]
    [InlineData(0.5f, 2f, -128)]
    [InlineData(-3f, -1f, 127)]
    public void Activation_ranges_contain_zero_exactly(float min, float max, int zeroPoint)
    {
        var q = FakeQuantizer.FromRange(min, max);
        Assert.Equal(zeroPoint, q.ZeroPoint);
        Assert.Equal(0f, Quantizer.Dequantize(Quantizer.Quantize(0f, q), q));
        Assert.True(TensorChain.IsValidScale(q.Scale));
    }
}

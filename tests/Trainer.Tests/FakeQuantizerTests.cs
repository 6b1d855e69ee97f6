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

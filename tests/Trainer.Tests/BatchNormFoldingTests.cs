using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Tests;

/// <summary>
/// Batch normalization folded into conv2d and depthwise_conv2d: the exported float32 file computes what the unfolded
/// network computes, and once the statistics freeze, quantization-aware training computes what evaluation (and the
/// export) computes.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class BatchNormFoldingTests
{
    private const int Images = 6;

    [Fact]
    public void The_folded_float_export_equals_the_unfolded_network_within_1e_5()
    {
        TorchRuntime.EnsureLoaded();
        using var network = RandomResidualNetwork(seed: 7);
        network.eval();
        var pixels = RandomPixels(seed: 8);
        using var x = Batch(pixels);
        float[] logits = network.forward(x).data<float>().ToArray();

        var model = QModelExporter.Export(network, ["a", "b", "c"], []);
        Assert.Equal(2, QModelWriter.FormatVersionOf(model));
        Assert.All(model.Layers.OfType<WeightedLayer>(), l => Assert.IsType<Float32Weights>(l.Weights));
        Assert.Equal(["stem", "project"], model.Layers.OfType<AddLayer>().Single().Inputs);
        var interpreter = new ReferenceInterpreter(model);
        for (int i = 0; i < Images; i++)
        {
            float[] scores = interpreter.Run(pixels[i]).Scores;
            for (int c = 0; c < 3; c++)
            {
                Assert.True(Math.Abs(scores[c] - logits[(i * 3) + c]) <= 1e-5, $"image {i} class {c}: file {scores[c]}, network {logits[(i * 3) + c]}");
            }
        }

        // The file read back as a float network (the benchmarks' TorchSharp peer) computes the same.
        using var imported = QModelImport.FloatNetwork(model);
        float[] again = imported.forward(x).data<float>().ToArray();
        Assert.All(again.Zip(logits), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void Quantization_aware_training_uses_batch_statistics_until_the_freeze_then_the_folded_arithmetic()
    {
        TorchRuntime.EnsureLoaded();
        using var network = RandomResidualNetwork(seed: 11);
        using var x = Batch(RandomPixels(seed: 12));
        var precisions = Enumerable.Repeat(Precision.Int8, 4).ToArray();
        network.Configure(precisions, calibrating: true);
        network.eval();
        using (no_grad())
        {
            network.forward(x).Dispose();
        }

        foreach (var observer in network.Observers)
        {
            observer.FinishCalibration();
        }

        network.Configure(precisions);
        network.BatchNormFreezeSteps = 1;
        var mean = network.named_buffers().Single(b => b.name == "norms.0.running_mean").buffer;
        float[] before = mean.data<float>().ToArray();

        network.train();
        using (no_grad())
        {
            network.forward(x).Dispose();
        }

        float[] afterFirst = mean.data<float>().ToArray();
        Assert.NotEqual(before, afterFirst); // step 0: batch statistics, running statistics updated
        Assert.Equal(1, network.BatchNormSteps);
        Assert.True(network.BatchNormFrozen);

        float[] training;
        using (no_grad())
        {
            training = network.forward(x).data<float>().ToArray();
        }

        Assert.Equal(afterFirst, mean.data<float>().ToArray()); // frozen: running statistics unchanged
        network.eval();
        float[] evaluated;
        using (no_grad())
        {
            evaluated = network.forward(x).data<float>().ToArray();
        }

        // The observers updated their ranges in the training pass before quantizing with them, so evaluation
        // (the exported arithmetic) uses the same ranges and the same folded weights: the same values exactly.
        Assert.Equal(evaluated, training);
    }

    /// <summary>The residual description with every weight, bias and batch normalization parameter and statistic random.</summary>
    private static GraphNetwork RandomResidualNetwork(int seed)
    {
        torch.manual_seed(seed);
        var network = new GraphNetwork(ModelDescription.FromJson(GraphDescriptionTests.Residual, "residual.json"));
        using var _ = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                parameter.copy_(randn_like(parameter) * 0.3);
            }
            else if (name.StartsWith("norms.", StringComparison.Ordinal))
            {
                parameter.copy_(rand_like(parameter) + 0.5);
            }
        }

        foreach (var (name, buffer) in network.named_buffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal))
            {
                buffer.copy_(randn_like(buffer) * 0.5);
            }
            else if (name.EndsWith("running_var", StringComparison.Ordinal))
            {
                buffer.copy_(rand_like(buffer) + 0.2);
            }
        }

        return network;
    }

    private static byte[][] RandomPixels(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Images).Select(_ =>
        {
            var image = new byte[12 * 12];
            random.NextBytes(image);
            return image;
        }).ToArray();
    }

    /// <summary>One-channel images as an NCHW batch of pixel / 255, as the interpreter preprocesses them (HWC = CHW for one channel).</summary>
    private static Tensor Batch(byte[][] pixels) =>
        tensor(pixels.SelectMany(p => p.Select(v => v * (1f / 255f))).ToArray(), [pixels.Length, 1, 12, 12]);
}

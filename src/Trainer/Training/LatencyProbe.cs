using System.Diagnostics;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Training;

/// <summary>
/// Batch-1 inference time of a TorchSharp network, the figure the seed's comparison sets against the compiled int8
/// code: each image is its own forward pass (tensor creation included, as a caller would pay it).
/// </summary>
public static class LatencyProbe
{
    /// <summary>Mean microseconds per image over <paramref name="count"/> images, after a warm-up of 50.</summary>
    public static double MicrosecondsPerImage(GraphNetwork network, ImageDataset data, int count)
    {
        network.eval();
        using var _ = no_grad();
        count = Math.Min(count, data.Count);
        for (int i = 0; i < Math.Min(50, count); i++)
        {
            Forward(network, data, i);
        }

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            Forward(network, data, i);
        }

        return clock.Elapsed.TotalMicroseconds / count;
    }

    private static void Forward(GraphNetwork network, ImageDataset data, int index)
    {
        using var scope = NewDisposeScope();
        var (x, _) = data.Batch([index]);
        network.forward(x).argmax(1).item<long>();
    }
}

using ModelCompiler.Format;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>
/// Runs representative images through the float network with the observers of int8 layers recording ranges (min/max,
/// or the mean of per-batch percentiles), then switches them to fake quantization.
/// </summary>
public static class Calibration
{
    public static void Run(GraphNetwork network, Precision[] precisions, ImageDataset data, int samples, double? percentile, int seed, int batchSize = 100)
    {
        network.Configure(precisions, calibrating: true, percentile);
        network.eval();
        var sample = data.Sample(Math.Min(samples, data.Count), seed);
        var indices = Enumerable.Range(0, sample.Count).ToArray();
        using (no_grad())
        {
            for (int start = 0; start < sample.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var (x, _) = sample.Batch(indices.AsSpan(start, Math.Min(batchSize, sample.Count - start)));
                network.forward(x);
            }
        }

        foreach (var observer in network.Observers)
        {
            observer.FinishCalibration();
        }

        network.Configure(precisions);
    }
}

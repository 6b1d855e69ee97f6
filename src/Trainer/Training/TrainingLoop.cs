using System.Diagnostics;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Training;

/// <summary>
/// Adam (as Keras computes it, <see cref="KerasAdam"/>) over shuffled mini-batches with per-epoch validation and checkpoints. Everything random is derived from
/// (seed, epoch, image), so a run resumed from the checkpoint of epoch n continues exactly as the uninterrupted run.
/// </summary>
public static class TrainingLoop
{
    /// <summary>Trains <paramref name="network"/> in place and returns the finished epochs of this phase (resumed ones included).</summary>
    public static List<EpochRecord> Run(
        GraphNetwork network, ImageDataset train, ImageDataset validation, TrainingOptions options,
        ModelBundle bundleTemplate, ITrainingProgress progress, CancellationToken cancel = default)
    {
        using var adam = new KerasAdam(network.parameters(), options.LearningRate, options.AdamEpsilon);
        var optimizer = adam.Optimizer;
        var history = new List<EpochRecord>();
        int firstEpoch = 0;
        if (options.KeepBest && options.CheckpointFolder is null)
        {
            throw new ArgumentException("keeping the best epoch needs a checkpoint folder");
        }

        if (options.Resume && options.CheckpointFolder is { } folder && Checkpoint.TryRead(folder) is { } checkpoint)
        {
            if (checkpoint.Phase != options.Phase)
            {
                throw new InvalidOperationException($"the checkpoint in {folder} is of phase '{checkpoint.Phase}', not '{options.Phase}'");
            }

            checkpoint.Restore(folder, network, optimizer);
            firstEpoch = checkpoint.CompletedEpochs;
            history.AddRange(checkpoint.Bundle.History.Where(h => h.Phase == options.Phase));
            progress.Message($"resumed {options.Phase} training from {folder} after epoch {firstEpoch}");
        }

        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        for (int epoch = firstEpoch; epoch < options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            torch.manual_seed(options.Seed * 7919L + epoch);
            var order = Enumerable.Range(0, train.Count).ToArray();
            new Random(StreamSeed(options.Seed, epoch, -1)).Shuffle(order);
            progress.EpochStarted(options.Phase, epoch + 1, options.Epochs, batches);
            network.train();
            double lossSum = 0;
            long correct = 0, seen = 0;
            var batchClock = new Stopwatch();
            var stepClock = new Stopwatch();
            for (int b = 0; b < batches; b++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var slice = order.AsSpan(b * options.BatchSize, Math.Min(options.BatchSize, train.Count - b * options.BatchSize));
                int currentEpoch = epoch;
                Func<int, byte[]>? augment = options.Augmenter is { } a
                    ? i => a.Apply(train.Image(i), train.Height, train.Width, train.Channels, new Random(StreamSeed(options.Seed, currentEpoch, i)))
                    : null;
                batchClock.Start();
                var (x, y) = train.Batch(slice, augment);
                batchClock.Stop();
                stepClock.Start();
                adam.ZeroGrad();
                var logits = network.forward(x);
                var loss = nn.functional.cross_entropy(logits, y);
                loss.backward();
                adam.Step(((long)epoch * batches) + b + 1);
                lossSum += loss.item<float>() * slice.Length;
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += slice.Length;
                stepClock.Stop();
                progress.BatchFinished(b + 1, lossSum / seen, (double)correct / seen);
            }

            var validationClock = Stopwatch.StartNew();
            double validationAccuracy = Evaluator.Accuracy(network, validation);
            var record = new EpochRecord(
                options.Phase, epoch + 1, lossSum / seen, (double)correct / seen, validationAccuracy, clock.Elapsed.TotalSeconds,
                (int)seen, batchClock.Elapsed.TotalSeconds, stepClock.Elapsed.TotalSeconds, validationClock.Elapsed.TotalSeconds);
            history.Add(record);
            progress.EpochFinished(record);
            if (options.CheckpointFolder is { } target)
            {
                var bundle = bundleTemplate with
                {
                    Precisions = network.Precisions,
                    QuantizedPools = network.QuantizedPools.Count > 0 ? [.. network.QuantizedPools] : null,
                    History = [.. bundleTemplate.History.Where(h => h.Phase != options.Phase), .. history],
                };
                Checkpoint.Write(target, options.Phase, epoch + 1, network, optimizer, bundle, EpochRecord.BestEpoch(history, options.Phase));
            }
        }

        if (options.KeepBest && Checkpoint.TryRead(options.CheckpointFolder!) is { BestEpoch: { } best } kept && best != options.Epochs)
        {
            kept.RestoreBest(options.CheckpointFolder!, network);
            progress.Message($"kept the weights of {options.Phase} epoch {best} (best validation accuracy), not of epoch {options.Epochs}");
        }

        return history;
    }

    /// <summary>
    /// A seed for one random stream of (seed, epoch, image); image -1 is the epoch's shuffle. Deterministic across
    /// processes (HashCode.Combine is randomised per process and would make runs unrepeatable).
    /// </summary>
    public static int StreamSeed(int seed, int epoch, int image)
    {
        ulong h = 14695981039346656037UL;
        foreach (long v in new long[] { seed, epoch, image })
        {
            h = (h ^ (ulong)v) * 1099511628211UL;
            h ^= h >> 29;
        }

        return (int)(h & 0x7FFFFFFF);
    }
}

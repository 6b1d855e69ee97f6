using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Models;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Training;

/// <summary>Runs a network in evaluation mode over a data set.</summary>
public static class Evaluator
{
    /// <summary>Predicted class (first maximum of the logits) of every image.</summary>
    public static int[] Predict(GraphNetwork network, ImageDataset data, int batchSize = 256)
    {
        network.eval();
        using var _ = no_grad();
        var predictions = new int[data.Count];
        var indices = Enumerable.Range(0, data.Count).ToArray();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Count - start);
            var (x, _) = data.Batch(indices.AsSpan(start, n));
            var argmax = network.forward(x).argmax(1).data<long>().ToArray();
            for (int i = 0; i < n; i++)
            {
                predictions[start + i] = (int)argmax[i];
            }
        }

        return predictions;
    }

    public static double Accuracy(GraphNetwork network, ImageDataset data) => Accuracy(Predict(network, data), data.Labels);

    public static double Accuracy(IReadOnlyList<int> predictions, IReadOnlyList<int> labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            correct += predictions[i] == labels[i] ? 1 : 0;
        }

        return labels.Count == 0 ? 0 : (double)correct / labels.Count;
    }
}

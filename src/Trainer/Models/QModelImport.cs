using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A <c>.qmodel</c> as a float <see cref="GraphNetwork"/>: the description its layers were exported from, with
/// the weights dequantized (<see cref="FloatWeights"/>, as the float ONNX export holds them), so TorchSharp
/// computes the function the file's constants stand for. Reads what the trainer writes: square windows, (c, h, w)
/// flatten, a dense layer last, quantize/dequantize boundaries and a final softmax (which the trainer adds itself),
/// chains and graphs (a layer reading through a quantize or dequantize layer reads that layer's input).
/// </summary>
public static class QModelImport
{
    /// <summary>The network in evaluation mode; its <c>forward</c> returns the logits (softmax not applied).</summary>
    /// <exception cref="NotSupportedException">A layer has no trainer equivalent.</exception>
    public static GraphNetwork FloatNetwork(QModel model)
    {
        var graph = TensorChain.InferGraph(model);
        var tensors = graph.Tensors;
        var specs = new List<LayerSpec>();
        var constants = new List<(float[] Weights, float[] Bias)>();
        // The description's name for each tensor: quantize and dequantize layers pass their input's on.
        var names = new string[graph.LayerCount + 1];
        names[0] = DescriptionGraph.InputName;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            string[] reads = graph.InputsOf(i).Select(t => names[t]).ToArray();
            if (layer is QuantizeLayer or DequantizeLayer || (layer is SoftmaxLayer && i == model.Layers.Count - 1))
            {
                names[i + 1] = reads[0];
                continue;
            }

            names[i + 1] = layer.Name;
            var spec = TrainingCatalog.All.Select(op => op.Import(layer)).FirstOrDefault(spec => spec is not null)
                ?? throw new NotSupportedException($"layer '{layer.Name}' ({layer.Op}) has no trainer equivalent");
            specs.Add(spec with { Inputs = reads });
            if (layer is WeightedLayer weighted)
            {
                constants.Add(FloatWeights.Of(weighted.Weights, tensors[graph.InputsOf(i)[0]].Quant));
            }
        }

        var shape = model.InputShape;
        var description = new ModelDescription { Name = model.Name, Input = [shape.Height, shape.Width, shape.Channels], Layers = [.. specs] }
            .Validated(model.Name);
        var network = new GraphNetwork(description);
        using (no_grad())
        {
            for (int k = 0; k < constants.Count; k++)
            {
                network.LoadWeights(k, constants[k].Weights, constants[k].Bias);
            }
        }

        network.eval();
        return network;
    }
}

using ModelCompiler.Format;
using ModelCompiler.Trainer.Models;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Export;

/// <summary>
/// Turns a network and its per-layer precisions into the Runtime's <see cref="QModel"/>: each layer exports itself
/// (<see cref="NetworkLayer.Export"/>), with the constants the fake-quantized forward pass rounded to (batch
/// normalizations folded) and the names of the tensors it reads; a softmax ends the model, and the model takes HWC
/// pixels scaled by 1/255. A chain is written as format version 1, a graph as version 2.
/// </summary>
public static class QModelExporter
{
    public static QModel Export(GraphNetwork network, IReadOnlyList<string> classes, IReadOnlyList<ProvenanceEntry> provenance, string? modelName = null)
    {
        using var _ = no_grad();
        var description = network.Description;
        var pass = new ExportPass(network, []);
        var tensors = new ExportedTensor[network.Layers.Count + 1];
        tensors[0] = new ExportedTensor(ModelGraph.InputName, network.FirstComputeIsInt8 ? GraphNetwork.PixelInputQuant : null);
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            tensors[i + 1] = layer.Export(layer.InputTensors.Select(t => tensors[t]).ToArray(), pass);
        }

        pass.Layers.Add(new SoftmaxLayer("softmax") { Inputs = [tensors[^1].Name] });
        var model = new QModel(
            modelName ?? Identifier(description.Name),
            TensorShape.Image(description.InputHeight, description.InputWidth, description.InputChannels),
            InputLayout.Hwc,
            new Preprocessing(1f / 255f, 0f),
            network.FirstComputeIsInt8 ? GraphNetwork.PixelInputQuant : null,
            classes.ToArray(),
            provenance.ToArray(),
            pass.Layers);
        TensorChain.Infer(model);
        return model;
    }

    /// <summary>fashion_cnn / intel-cnn to FashionCnn / IntelCnn (the generated class is named after it).</summary>
    public static string Identifier(string name)
    {
        var parts = name.Split(['_', '-', ' ', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => new string(p.Where(char.IsLetterOrDigit).ToArray()))
            .Where(p => p.Length > 0)
            .Select(p => char.ToUpperInvariant(p[0]) + p[1..]);
        string id = string.Concat(parts);
        return id.Length == 0 ? "Model" : char.IsDigit(id[0]) ? "Model" + id : id;
    }
}

using ModelCompiler.Format;
using ModelCompiler.Trainer.Models;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Export;

/// <summary>
/// Turns a network and its per-layer precisions into the Runtime's <see cref="QModel"/>: each layer exports itself
/// (<see cref="NetworkLayer.Export"/>), with the constants the fake-quantized forward pass rounded to; a softmax ends
/// the model, and the model takes HWC pixels scaled by 1/255.
/// </summary>
public static class QModelExporter
{
    public static QModel Export(SequentialNetwork network, IReadOnlyList<string> classes, IReadOnlyList<ProvenanceEntry> provenance, string? modelName = null)
    {
        using var _ = no_grad();
        var description = network.Description;
        var pass = new ExportPass(network, []);
        QuantParams? current = network.FirstComputeIsInt8 ? SequentialNetwork.PixelInputQuant : null;
        foreach (var layer in network.Layers)
        {
            current = layer.Export([current], pass);
        }

        pass.Layers.Add(new SoftmaxLayer("softmax"));
        var model = new QModel(
            modelName ?? Identifier(description.Name),
            TensorShape.Image(description.InputHeight, description.InputWidth, description.InputChannels),
            InputLayout.Hwc,
            new Preprocessing(1f / 255f, 0f),
            network.FirstComputeIsInt8 ? SequentialNetwork.PixelInputQuant : null,
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

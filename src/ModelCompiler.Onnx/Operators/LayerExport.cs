using ModelCompiler.Format;

namespace ModelCompiler.Onnx;

/// <summary>What one layer's export sees: the graph so far, the kind of graph, its input values and tensors, its output tensor.</summary>
internal sealed record LayerExportContext(
    OnnxGraphBuilder Graph, bool Qdq, IReadOnlyList<string> Inputs, IReadOnlyList<TensorInfo> InputTensors, TensorInfo Output)
{
    /// <summary>The one input of a layer that reads one tensor.</summary>
    public string Input => Inputs[0];

    public TensorInfo InputTensor => InputTensors[0];

    /// <summary>
    /// For layers that keep their input's quantization (pools, flatten): in a QDQ graph ONNX Runtime fuses them into
    /// its int8 kernels only if they carry their own Q/DQ pair with exactly those parameters.
    /// </summary>
    public string KeepQuantization(string value, string name) =>
        Qdq && Output.Quant is { } q ? Graph.QuantizeDequantize(value, q, name) : value;

    /// <summary>
    /// A fused activation as its own node (Relu, or Clip to [0, 6]), then in a QDQ graph the output's Q/DQ pair, after
    /// the activation, where ONNX Runtime folds a Relu (and a Clip whose range covers the int8 one) into the quantization.
    /// </summary>
    public string Activate(string value, string name, Activation activation, QuantParams? output)
    {
        value = activation switch
        {
            Activation.Relu => Graph.Node("Relu", name + "_relu", [value]),
            Activation.Relu6 => Graph.Node("Clip", name + "_relu6", [value, Graph.Floats(name + "_min", [0f]), Graph.Floats(name + "_max", [6f])]),
            _ => value,
        };
        return Qdq && output is { } q ? Graph.QuantizeDequantize(value, q, name) : value;
    }
}

/// <summary>The ONNX nodes and initializers of one operator's layers; one instance per layer type in <see cref="ExportCatalog"/>.</summary>
internal abstract class LayerExport
{
    /// <summary>Adds the layer's nodes and returns the name of the value holding its output.</summary>
    public abstract string Export(LayerExportContext context, Layer layer);
}

/// <summary>The export of layers of type <typeparamref name="TLayer"/>.</summary>
internal abstract class LayerExport<TLayer> : LayerExport
    where TLayer : Layer
{
    public sealed override string Export(LayerExportContext context, Layer layer) => Export(context, (TLayer)layer);

    protected abstract string Export(LayerExportContext context, TLayer layer);
}

using ModelCompiler.Format;
using ModelCompiler.Trainer.Quantization;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A batch flowing through the network (NCHW), with the quantization the int8 kernels would hold it in: null while
/// the region is float, the producing layer's output quantization in an int8 region.
/// </summary>
internal readonly record struct NetworkTensor(Tensor Value, QuantParams? Quant);

/// <summary>One forward pass: whether the network simulates its quantized precisions, and whether it is training.</summary>
internal sealed record ForwardPass(GraphNetwork Network, bool Quantizing, bool Training);

/// <summary>A tensor of the exported model: the name later layers read it by, and its quantization (null: float32).</summary>
internal readonly record struct ExportedTensor(string Name, QuantParams? Quant);

/// <summary>One export: the network and the <c>.qmodel</c> layers written so far.</summary>
internal sealed record ExportPass(GraphNetwork Network, List<Layer> Layers)
{
    /// <summary>Appends <paramref name="layer"/> (its <c>Inputs</c> already set) and returns the tensor it produces.</summary>
    public ExportedTensor Append(Layer layer, QuantParams? quant)
    {
        Layers.Add(layer);
        return new ExportedTensor(layer.Name, quant);
    }
}

/// <summary>One layer of a model description at work in a <see cref="GraphNetwork"/>.</summary>
internal abstract class NetworkLayer(LayerSpec spec)
{
    public LayerSpec Spec { get; } = spec;

    public string Name => Spec.Name!;

    /// <summary>The network's tensors this layer reads (0 the model input, <c>i + 1</c> layer i's output), set by the network.</summary>
    public int[] InputTensors { get; set; } = [];

    /// <summary>Observers the layer owns besides those of layers with weights (an addition's output), for calibration.</summary>
    public virtual IEnumerable<ActivationObserver> ExtraObservers => [];

    /// <summary>Runs the layer on the tensors it reads, in the order its description names them.</summary>
    public abstract NetworkTensor Forward(IReadOnlyList<NetworkTensor> inputs, ForwardPass pass);

    /// <summary>
    /// Appends the layer's <c>.qmodel</c> layers (none for dropout; a quantize or dequantize layer first where the
    /// precision changes), each naming the tensors it reads, and returns the exported output.
    /// </summary>
    public abstract ExportedTensor Export(IReadOnlyList<ExportedTensor> inputs, ExportPass pass);

    /// <summary>
    /// Whether the exported output is int8, given whether the inputs are (the network's configured precisions decide
    /// for layers with weights). Layers without weights keep their input's element type.
    /// </summary>
    public virtual bool ProducesInt8(IReadOnlyList<bool> inputsInt8, GraphNetwork network) => inputsInt8[0];
}

/// <summary>A layer that reads one tensor.</summary>
internal abstract class UnaryNetworkLayer(LayerSpec spec) : NetworkLayer(spec)
{
    public sealed override NetworkTensor Forward(IReadOnlyList<NetworkTensor> inputs, ForwardPass pass) => Forward(inputs[0], pass);

    public sealed override ExportedTensor Export(IReadOnlyList<ExportedTensor> inputs, ExportPass pass) => Export(inputs[0], pass);

    protected abstract NetworkTensor Forward(NetworkTensor input, ForwardPass pass);

    protected abstract ExportedTensor Export(ExportedTensor input, ExportPass pass);
}

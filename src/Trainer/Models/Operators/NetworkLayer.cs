using ModelCompiler.Format;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A batch flowing through the network (NCHW), with the quantization the int8 kernels would hold it in: null while
/// the region is float, the producing layer's output quantization in an int8 region.
/// </summary>
internal readonly record struct NetworkTensor(Tensor Value, QuantParams? Quant);

/// <summary>One forward pass: whether the network simulates its quantized precisions, and whether it is training.</summary>
internal sealed record ForwardPass(SequentialNetwork Network, bool Quantizing, bool Training);

/// <summary>One export: the network and the <c>.qmodel</c> layers written so far.</summary>
internal sealed record ExportPass(SequentialNetwork Network, List<Layer> Layers);

/// <summary>One layer of a model description at work in a <see cref="SequentialNetwork"/>.</summary>
internal abstract class NetworkLayer(LayerSpec spec)
{
    public LayerSpec Spec { get; } = spec;

    public string Name => Spec.Name!;

    /// <summary>Runs the layer on the tensors it reads (in format version 1, the previous layer's output).</summary>
    public abstract NetworkTensor Forward(IReadOnlyList<NetworkTensor> inputs, ForwardPass pass);

    /// <summary>
    /// Appends the layer's <c>.qmodel</c> layers (none for dropout; a quantize or dequantize layer first where the
    /// precision changes) and returns the exported output's quantization (null: float32).
    /// </summary>
    public abstract QuantParams? Export(IReadOnlyList<QuantParams?> inputs, ExportPass pass);
}

/// <summary>A layer that reads one tensor.</summary>
internal abstract class UnaryNetworkLayer(LayerSpec spec) : NetworkLayer(spec)
{
    public sealed override NetworkTensor Forward(IReadOnlyList<NetworkTensor> inputs, ForwardPass pass) => Forward(inputs[0], pass);

    public sealed override QuantParams? Export(IReadOnlyList<QuantParams?> inputs, ExportPass pass) => Export(inputs[0], pass);

    protected abstract NetworkTensor Forward(NetworkTensor input, ForwardPass pass);

    protected abstract QuantParams? Export(QuantParams? input, ExportPass pass);
}

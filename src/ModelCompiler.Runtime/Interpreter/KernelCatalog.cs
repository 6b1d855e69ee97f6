using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Which kernel computes each layer type, one line per type; adding an operator is its kernel file and a line here.
/// Softmax has none: the interpreter applies it to the scores of every result.
/// </summary>
internal static class KernelCatalog
{
    private static readonly Dictionary<Type, Func<Layer, IReadOnlyList<TensorInfo>, TensorInfo, LayerKernel>> Factories = new[]
    {
        Unary<Conv2DLayer>((layer, input, output) => new Conv2DKernel(layer, input, output)),
        Unary<DenseLayer>((layer, input, output) => new DenseKernel(layer, input, output)),
        Unary<Pool2DLayer>((layer, input, output) => new PoolKernel(layer, input, output)),
        Unary<GlobalAveragePoolLayer>((_, input, output) => new GlobalAveragePoolKernel(input, output)),
        Unary<FlattenLayer>((layer, input, output) => new FlattenKernel(layer.Order, input, output)),
        Unary<PadLayer>((layer, input, output) => new PadKernel(layer, input, output)),
        Unary<QuantizeLayer>((layer, _, output) => new QuantizeKernel(layer.Output, output)),
        Unary<DequantizeLayer>((_, input, output) => new DequantizeKernel(input, output)),
        Unary<DepthwiseConv2DLayer>((layer, input, output) => new DepthwiseConv2DKernel(layer, input, output)),
        Of<AddLayer>((layer, inputs, output) => new AddKernel(layer, inputs[0], inputs[1], output)),
    }.ToDictionary(entry => entry.Key, entry => entry.Value);

    /// <summary>The kernel for <paramref name="layer"/>, given the tensors TensorChain inferred around it.</summary>
    public static LayerKernel Create(Layer layer, IReadOnlyList<TensorInfo> inputs, TensorInfo output) =>
        Factories.TryGetValue(layer.GetType(), out var create)
            ? create(layer, inputs, output)
            : throw new NotSupportedException($"layer '{layer.Name}' ({layer.Op}) has no reference kernel");

    /// <summary>An entry for a layer type that reads the tensors its layer names (as many as its operator's InputCount).</summary>
    private static KeyValuePair<Type, Func<Layer, IReadOnlyList<TensorInfo>, TensorInfo, LayerKernel>> Of<TLayer>(
        Func<TLayer, IReadOnlyList<TensorInfo>, TensorInfo, LayerKernel> create)
        where TLayer : Layer =>
        new(typeof(TLayer), (layer, inputs, output) => create((TLayer)layer, inputs, output));

    /// <summary>An entry for a layer type that reads one tensor.</summary>
    private static KeyValuePair<Type, Func<Layer, IReadOnlyList<TensorInfo>, TensorInfo, LayerKernel>> Unary<TLayer>(
        Func<TLayer, TensorInfo, TensorInfo, UnaryKernel> create)
        where TLayer : Layer =>
        new(typeof(TLayer), (layer, inputs, output) => create((TLayer)layer, inputs[0], output));
}

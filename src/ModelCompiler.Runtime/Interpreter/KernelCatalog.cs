using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Which kernel computes each layer type, one line per type; adding an operator is its kernel file and a line here.
/// Softmax has none: the interpreter applies it to the scores of every result.
/// </summary>
internal static class KernelCatalog
{
    private static readonly Dictionary<Type, Func<Layer, IReadOnlyList<TensorInfo>, TensorInfo, Rounding, LayerKernel>> Factories = new[]
    {
        Unary<Conv2DLayer>((layer, input, output, rounding) => new Conv2DKernel(layer, input, output, rounding)),
        Unary<DenseLayer>((layer, input, output, rounding) => new DenseKernel(layer, input, output, rounding)),
        Unary<Pool2DLayer>((layer, input, output, _) => new PoolKernel(layer, input, output)),
        Unary<GlobalAveragePoolLayer>((layer, input, output, rounding) => new GlobalAveragePoolKernel(layer, input, output, rounding)),
        Unary<FlattenLayer>((layer, input, output, _) => new FlattenKernel(layer.Order, input, output)),
        Unary<PadLayer>((layer, input, output, _) => new PadKernel(layer, input, output)),
        Unary<QuantizeLayer>((layer, _, output, _) => new QuantizeKernel(layer.Output, output)),
        Unary<DequantizeLayer>((_, input, output, _) => new DequantizeKernel(input, output)),
        Unary<DepthwiseConv2DLayer>((layer, input, output, rounding) => new DepthwiseConv2DKernel(layer, input, output, rounding)),
        Of<AddLayer>((layer, inputs, output, rounding) => new AddKernel(layer, inputs[0], inputs[1], output, rounding)),
    }.ToDictionary(entry => entry.Key, entry => entry.Value);

    /// <summary>The kernel for <paramref name="layer"/>, given the tensors TensorChain inferred around it and the model's rounding rule.</summary>
    public static LayerKernel Create(Layer layer, IReadOnlyList<TensorInfo> inputs, TensorInfo output, Rounding rounding) =>
        Factories.TryGetValue(layer.GetType(), out var create)
            ? create(layer, inputs, output, rounding)
            : throw new NotSupportedException($"layer '{layer.Name}' ({layer.Op}) has no reference kernel");

    /// <summary>An entry for a layer type that reads the tensors its layer names (as many as its operator's InputCount).</summary>
    private static KeyValuePair<Type, Func<Layer, IReadOnlyList<TensorInfo>, TensorInfo, Rounding, LayerKernel>> Of<TLayer>(
        Func<TLayer, IReadOnlyList<TensorInfo>, TensorInfo, Rounding, LayerKernel> create)
        where TLayer : Layer =>
        new(typeof(TLayer), (layer, inputs, output, rounding) => create((TLayer)layer, inputs, output, rounding));

    /// <summary>An entry for a layer type that reads one tensor.</summary>
    private static KeyValuePair<Type, Func<Layer, IReadOnlyList<TensorInfo>, TensorInfo, Rounding, LayerKernel>> Unary<TLayer>(
        Func<TLayer, TensorInfo, TensorInfo, Rounding, UnaryKernel> create)
        where TLayer : Layer =>
        new(typeof(TLayer), (layer, inputs, output, rounding) => create((TLayer)layer, inputs[0], output, rounding));
}

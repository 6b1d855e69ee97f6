using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// The reference computation of one layer, with everything that depends only on the model (multipliers, float
/// weights, padding) prepared once. Kernels hold no mutable state, so one interpreter can run on many threads.
/// </summary>
internal abstract class LayerKernel
{
    public abstract TensorValue Run(TensorValue input);

    /// <summary>The kernel for <paramref name="layer"/>, given the tensors TensorChain inferred around it.</summary>
    public static LayerKernel Create(Layer layer, TensorInfo input, TensorInfo output) => layer switch
    {
        Conv2DLayer conv => new Conv2DKernel(conv, input, output),
        DenseLayer dense => new DenseKernel(dense, input, output),
        Pool2DLayer pool => new PoolKernel(pool, input, output),
        GlobalAveragePoolLayer => new GlobalAveragePoolKernel(input, output),
        FlattenLayer flatten => new FlattenKernel(flatten.Order, input, output),
        QuantizeLayer quantize => new QuantizeKernel(quantize.Output, output),
        DequantizeLayer => new DequantizeKernel(input, output),
        _ => throw new NotSupportedException($"layer '{layer.Name}' ({layer.Op}) has no reference kernel"),
    };
}

namespace ModelCompiler.Interpreter;

/// <summary>
/// The reference computation of one layer, with everything that depends only on the model (multipliers, float
/// weights, padding) prepared once. Kernels hold no mutable state, so one interpreter can run on many threads.
/// </summary>
internal abstract class LayerKernel
{
    /// <summary>The layer's output from the tensors it reads, in the order the layer names them.</summary>
    public abstract TensorValue Run(ReadOnlySpan<TensorValue> inputs);
}

/// <summary>A kernel that reads one tensor, as every op but the addition does.</summary>
internal abstract class UnaryKernel : LayerKernel
{
    public sealed override TensorValue Run(ReadOnlySpan<TensorValue> inputs) => Run(inputs[0]);

    public abstract TensorValue Run(TensorValue input);
}

using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// One layer kind's lowering: from the layer (with what <see cref="LayerFusion"/> folded into it) to the step that
/// runs it, the scratch buffers that step needs, by name, and the tensor it leaves behind. A new operator is a class
/// deriving from this, an emitter for its step, and one line in <see cref="LoweringCatalog"/>.
/// </summary>
internal abstract class LayerLowering
{
    /// <summary>The layer type this lowering handles.</summary>
    public abstract Type LayerType { get; }

    public abstract LoweredStep Lower(LoweringUnit unit);

    /// <summary>
    /// Why this generator cannot compile <paramref name="layer"/> reading <paramref name="inputs"/> (a sentence naming the
    /// layer), or null when it can. The format and the reference interpreter accept more than every lowering does.
    /// </summary>
    public virtual string? Unsupported(Layer layer, IReadOnlyList<TensorInfo> inputs) => null;
}

/// <inheritdoc cref="LayerLowering"/>
internal abstract class LayerLowering<TLayer> : LayerLowering
    where TLayer : Layer
{
    public override Type LayerType => typeof(TLayer);

    public override LoweredStep Lower(LoweringUnit unit) => Lower((TLayer)unit.Layer, unit);

    protected abstract LoweredStep Lower(TLayer layer, LoweringUnit unit);
}

/// <summary>
/// A layer to lower, with its input and output tensors and what fusion gave it: the max pool it absorbs (then
/// <see cref="Produced"/> is the pool's output), the addition it absorbs (<see cref="Add"/>; then the addition's output)
/// or the shape of a chw Flatten folded into its weight order.
/// </summary>
internal sealed record LoweringUnit(Layer Layer, TensorInfo Input, TensorInfo Output, FusedPoolLayer? Pool, TensorShape? FoldedChw)
{
    /// <summary>Every tensor the layer reads, in the order its inputs name them (<see cref="Input"/> is the first).</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; init; } = [Input];

    /// <summary>The model's requantization rule (the <c>.qmodel</c> header's <c>rounding</c>).</summary>
    public Rounding Rounding { get; init; }

    /// <summary>The addition that runs on this convolution's output rows as they are computed, or null.</summary>
    public FusedAddLayer? Add { get; init; }

    /// <summary>The tensor the unit leaves in the arena: the fused pool's or addition's output, else the layer's.</summary>
    public TensorInfo Produced => Pool?.Output ?? Add?.Output ?? Output;

    /// <summary>Where the layer is in the model file, and its shapes (what the emitted comment names).</summary>
    public LayerSource Source => new(Layer.Name, Layer.Line, Input.Shape, Output.Shape);
}

/// <summary>A MaxPool2D fused into the convolution before it.</summary>
internal sealed record FusedPoolLayer(Pool2DLayer Layer, WindowGeometry Window, TensorInfo Output);

/// <summary>
/// An int8 Add fused into the convolution before it: <see cref="Skip"/> is its other input, <see cref="ConvIsFirst"/>
/// whether the convolution's output is its first input (the addition's constants depend on the order), and
/// <see cref="Rounding"/> the addition's own rule (a layer may override the model's).
/// </summary>
internal sealed record FusedAddLayer(AddLayer Layer, TensorInfo Skip, bool ConvIsFirst, TensorInfo Output, Rounding Rounding);

/// <summary>A scratch buffer a step needs for itself, by name, during that step only.</summary>
internal readonly record struct ScratchRequest(string Name, int Bytes);

/// <summary>What a lowering returns: its scratch requests and how to make the step once the arena is placed.</summary>
internal sealed class LoweredStep(TensorInfo produced, IReadOnlyList<ScratchRequest> scratch, Func<string, StepBuffers, StepPlan> create)
{
    public TensorInfo Produced { get; } = produced;

    public IReadOnlyList<ScratchRequest> Scratch { get; } = scratch;

    /// <summary>The step, given its method name and its placed buffers.</summary>
    public StepPlan Create(string methodName, StepBuffers buffers) => create(methodName, buffers);

    public static LoweredStep Of(TensorInfo produced, Func<string, StepBuffers, StepPlan> create) => new(produced, [], create);
}

/// <summary>A step's placed buffers: its inputs, its output and its scratch buffers' arena offsets by name.</summary>
internal sealed class StepBuffers(IReadOnlyList<BufferSlice> inputs, BufferSlice output, IReadOnlyDictionary<string, int> scratch)
{
    /// <summary>The first (for most layers the only) tensor the step reads.</summary>
    public BufferSlice Input => Inputs[0];

    /// <summary>Every tensor the step reads, in the order the layer's inputs name them.</summary>
    public IReadOnlyList<BufferSlice> Inputs { get; } = inputs;

    public BufferSlice Output { get; } = output;

    public int Scratch(string name) => scratch[name];
}

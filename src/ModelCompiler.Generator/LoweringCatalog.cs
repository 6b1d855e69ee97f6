using ModelCompiler.Generator.Emitting;
using ModelCompiler.Generator.Emitting.Steps;
using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;

namespace ModelCompiler.Generator;

/// <summary>
/// The generator's operators: each layer kind's lowering and the emitters of the steps it makes. Adding an operator is
/// a lowering (Planning/Lowering), an emitter per step kind (Emitting/Steps; the code it calls lives in
/// src/ModelCompiler.Kernels), and one line here (see docs/adding-an-operator.md).
/// </summary>
internal static class LoweringCatalog
{
    private static readonly (LayerLowering Lowering, StepEmitter[] Emitters)[] Operators =
    [
        (new Conv2DLowering(), [new BlockedConvEmitter(), new FloatConvEmitter(), new ZeroPointConvEmitter()]),
        (new DenseLowering(), [new Int8DenseEmitter(), new FloatDenseEmitter(), new ZeroPointDenseEmitter()]),
        (new Pool2DLowering(), [new PoolEmitter()]),
        (new GlobalAveragePoolLowering(), [new GlobalAveragePoolEmitter()]),
        (new FlattenLowering(), [new ChwFlattenEmitter()]),
        (new PadLowering(), [new PadEmitter()]),
        (new DepthwiseConv2DLowering(), [new DepthwiseConvEmitter(), new ZeroPointDepthwiseEmitter()]),
        (new AddLowering(), [new Int8AddEmitter(), new FloatAddEmitter()]),
        (new QuantizeLowering(), [new QuantizeEmitter()]),
        (new DequantizeLowering(), [new DequantizeEmitter()]),
    ];

    private static readonly Dictionary<Type, LayerLowering> Lowerings = Operators.ToDictionary(o => o.Lowering.LayerType, o => o.Lowering);

    private static readonly Dictionary<Type, StepEmitter> Emitters = Operators.SelectMany(o => o.Emitters).ToDictionary(e => e.StepType);

    /// <exception cref="QModelFormatException">No lowering for the layer's op.</exception>
    public static LayerLowering LoweringFor(Layer layer) => Lowerings.TryGetValue(layer.GetType(), out var lowering)
        ? lowering
        : throw new QModelFormatException(QModelError.UnknownOp, layer.Line, $"layer '{layer.Name}' has an op this generator does not support");

    /// <summary>The lowering of the layer's op, or null when the generator has none (the final softmax is dropped, not lowered).</summary>
    public static LayerLowering? TryLoweringFor(Layer layer) => Lowerings.TryGetValue(layer.GetType(), out var lowering) ? lowering : null;

    public static StepEmitter EmitterFor(StepPlan step) => Emitters.TryGetValue(step.GetType(), out var emitter)
        ? emitter
        : throw new InvalidOperationException("no emitter for " + step.GetType().Name);
}

using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// A chw Flatten that <see cref="LayerFusion"/> could neither drop (hwc order, or a shape where both orders agree) nor
/// fold into the Dense after it: an HWC to CHW copy.
/// </summary>
internal sealed class FlattenLowering : LayerLowering<FlattenLayer>
{
    protected override LoweredStep Lower(FlattenLayer layer, LoweringUnit unit) =>
        LoweredStep.Of(unit.Produced, (method, buffers) => new ChwFlattenStep(method, buffers.Input, buffers.Output, unit.Source));
}

/// <summary>HWC to CHW element order (the shape is the source's input).</summary>
internal sealed record ChwFlattenStep(string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source)
    : StepPlan(MethodName, Input, Output, Source);

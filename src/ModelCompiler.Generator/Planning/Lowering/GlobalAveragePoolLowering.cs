using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>GlobalAveragePool: the mean over H and W per channel.</summary>
internal sealed class GlobalAveragePoolLowering : LayerLowering<GlobalAveragePoolLayer>
{
    protected override LoweredStep Lower(GlobalAveragePoolLayer layer, LoweringUnit unit) =>
        LoweredStep.Of(unit.Produced, (method, buffers) => new GlobalAveragePoolStep(method, buffers.Input, buffers.Output, unit.Source));
}

/// <summary>Mean over H and W per channel (the shape is the source's input).</summary>
internal sealed record GlobalAveragePoolStep(string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source)
    : StepPlan(MethodName, Input, Output, Source);

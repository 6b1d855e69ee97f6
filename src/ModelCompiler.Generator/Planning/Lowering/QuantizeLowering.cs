using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>Quantize: float32 to int8 with the layer's scale and zero point.</summary>
internal sealed class QuantizeLowering : LayerLowering<QuantizeLayer>
{
    protected override LoweredStep Lower(QuantizeLayer layer, LoweringUnit unit) =>
        LoweredStep.Of(unit.Produced, (method, buffers) => new QuantizeStep(method, buffers.Input, buffers.Output, unit.Source, layer.Output));
}

/// <summary>Float32 to int8 (Quantize layer).</summary>
internal sealed record QuantizeStep(string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source, QuantParams Quant)
    : StepPlan(MethodName, Input, Output, Source);

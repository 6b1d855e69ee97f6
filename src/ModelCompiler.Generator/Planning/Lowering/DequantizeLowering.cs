using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>Dequantize: int8 to float32 with the input tensor's scale and zero point.</summary>
internal sealed class DequantizeLowering : LayerLowering<DequantizeLayer>
{
    protected override LoweredStep Lower(DequantizeLayer layer, LoweringUnit unit)
    {
        var quant = unit.Input.Quant!.Value;
        return LoweredStep.Of(unit.Produced, (method, buffers) => new DequantizeStep(method, buffers.Input, buffers.Output, unit.Source, quant));
    }
}

/// <summary>Int8 to float32 (Dequantize layer).</summary>
internal sealed record DequantizeStep(string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source, QuantParams Quant)
    : StepPlan(MethodName, Input, Output, Source);

using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// GlobalAveragePool: the mean over H and W per channel. An int8 mean with an output quantization rescales: its
/// multiplier and bias are folded here by the Runtime's own <c>MeanRescale.For</c>, with the layer's rounding rule.
/// </summary>
internal sealed class GlobalAveragePoolLowering : LayerLowering<GlobalAveragePoolLayer>
{
    protected override LoweredStep Lower(GlobalAveragePoolLayer layer, LoweringUnit unit)
    {
        MeanRescaleStage? rescale = null;
        if (layer.OutputQuant is { } quant && unit.Inputs[0].Quant is { } inputQuant)
        {
            var shape = unit.Inputs[0].Shape;
            var constants = MeanRescale.For(shape.Height * shape.Width, inputQuant.Scale, inputQuant.ZeroPoint, quant.Scale, quant.ZeroPoint);
            rescale = new MeanRescaleStage(constants.Multiplier.Multiplier, constants.Multiplier.Shift, constants.Bias, unit.Rounding);
        }

        return LoweredStep.Of(unit.Produced, (method, buffers) => new GlobalAveragePoolStep(method, buffers.Input, buffers.Output, unit.Source, rescale));
    }
}

/// <summary>The folded constants of an int8 mean that rescales: <c>y = clamp(Bias + rescale(Σq, Multiplier, Shift), -128, 127)</c> under <see cref="Rounding"/>.</summary>
internal sealed record MeanRescaleStage(int Multiplier, int Shift, int Bias, Rounding Rounding);

/// <summary>Mean over H and W per channel (the shape is the source's input); <see cref="Rescale"/> when the int8 mean rescales.</summary>
internal sealed record GlobalAveragePoolStep(string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source, MeanRescaleStage? Rescale = null)
    : StepPlan(MethodName, Input, Output, Source);

using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// Add of two tensors: int8 (TFLite's ADD, <c>Int8Addition</c>: the three multipliers and the clamp folded here, from
/// the Runtime's own <c>Int8Addition.MultipliersFor</c> and <c>Quantizer.ActivationRange</c>) or float32.
/// </summary>
internal sealed class AddLowering : LayerLowering<AddLayer>
{
    protected override LoweredStep Lower(AddLayer add, LoweringUnit unit)
    {
        if (unit.Output.Quant is not { } outQuant)
        {
            return LoweredStep.Of(unit.Produced, (method, buffers) => new FloatAddStep(method, buffers.Inputs[0], buffers.Output, unit.Source, buffers.Inputs[1], add.Activation));
        }

        var (stage, tables) = Int8Stage(add, unit.Inputs[0].Quant!.Value, unit.Inputs[1].Quant!.Value, outQuant, unit.Rounding);
        return LoweredStep.Of(unit.Produced, (method, buffers) => new Int8AddStep(method, buffers.Inputs[0], buffers.Output, unit.Source, buffers.Inputs[1], add.Activation, stage, tables));
    }

    /// <summary>The folded constants of an int8 addition and its lookup tables where they apply; also for an addition fused into a convolution.</summary>
    public static (AdditionStage Stage, ImmutableEquatableArray<byte>? Tables) Int8Stage(AddLayer add, QuantParams first, QuantParams second, QuantParams output, Rounding rounding)
    {
        var multipliers = Int8Addition.MultipliersFor(first.Scale, second.Scale, output.Scale);
        var (min, max) = Quantizer.ActivationRange(add.Activation, output);
        var stage = new AdditionStage(
            first.ZeroPoint, multipliers.First.Multiplier, multipliers.First.Shift,
            second.ZeroPoint, multipliers.Second.Multiplier, multipliers.Second.Shift,
            multipliers.Output.Multiplier, multipliers.Output.Shift, output.ZeroPoint, min, max, rounding);
        return (stage, AdditionTables.For(stage)?.ToEquatableArray());
    }
}

/// <summary>The folded constants of an int8 addition: each input's zero point and multiplier to the common scale, the sum's to the output, its zero point, clamp and rounding rule.</summary>
internal sealed record AdditionStage(
    int FirstZeroPoint, int FirstMultiplier, int FirstShift,
    int SecondZeroPoint, int SecondMultiplier, int SecondShift,
    int OutputMultiplier, int OutputShift, int OutputZeroPoint, int Min, int Max, Rounding Rounding);

/// <summary>
/// Int8 element-wise addition of <see cref="StepPlan.Input"/> and <see cref="Second"/> (the layer's inputs in its order);
/// <see cref="Tables"/> are <see cref="AdditionTables"/>' lookup tables where they apply (else null).
/// </summary>
internal sealed record Int8AddStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    BufferSlice Second,
    Activation Activation,
    AdditionStage Stage,
    ImmutableEquatableArray<byte>? Tables) : StepPlan(MethodName, Input, Output, Source);

/// <summary>Float32 element-wise addition of <see cref="StepPlan.Input"/> and <see cref="Second"/>, then the activation.</summary>
internal sealed record FloatAddStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    BufferSlice Second,
    Activation Activation) : StepPlan(MethodName, Input, Output, Source);

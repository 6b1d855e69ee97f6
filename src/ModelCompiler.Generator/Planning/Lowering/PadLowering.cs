using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>Pad on int8 or float: the input copied into the middle of the output, the border filled with 0.0.</summary>
internal sealed class PadLowering : LayerLowering<PadLayer>
{
    protected override LoweredStep Lower(PadLayer pad, LoweringUnit unit)
    {
        // 0.0 in an int8 tensor is its zero point; in float32 it is all-zero bytes.
        int fill = unit.Input.Quant?.ZeroPoint ?? 0;
        return LoweredStep.Of(unit.Produced, (method, buffers) => new PadStep(method, buffers.Input, buffers.Output, unit.Source, pad.Top, pad.Bottom, pad.Left, pad.Right, fill));
    }
}

/// <summary>Zero padding by the given rows and columns (the shapes are the source's); <see cref="Fill"/> is the int8 zero point, or 0.</summary>
internal sealed record PadStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    int Top, int Bottom, int Left, int Right,
    int Fill) : StepPlan(MethodName, Input, Output, Source);

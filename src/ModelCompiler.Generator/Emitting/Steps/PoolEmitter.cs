using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>MaxPool2D or AveragePool2D not fused into a convolution.</summary>
internal sealed class PoolEmitter : StepEmitter<PoolStep>
{
    protected override string Summary(PoolStep s)
    {
        var g = s.Window;
        return $"{(s.Input.IsInt8 ? "int8" : "float32")} {(s.IsMax ? "MaxPool2D" : "AveragePool2D")} {Layer(s.Source)}, window {g.KernelHeight}x{g.KernelWidth}, "
            + $"stride {g.StrideHeight}x{g.StrideWidth}, {Lower(s.Padding)} padding (top {g.PadTop}, left {g.PadLeft}); padded cells are ignored"
            + (s.TiesUp ? "; the mean rounds ties up (TFLite's uint8 pool)." : ".");
    }

    protected override void WriteBody(SourceWriter w, PoolStep s)
    {
        var g = s.Window;
        Buffers(w, s);
        w.WriteLine($"{(s.Input.IsInt8 ? "PoolInt8" : "PoolFloat")}(ref input, ref output, {Int(g.InputHeight)}, {Int(g.InputWidth)}, {Int(g.Channels)}, {Int(g.OutputHeight)}, {Int(g.OutputWidth)}, "
            + $"{Int(g.KernelHeight)}, {Int(g.KernelWidth)}, {Int(g.StrideHeight)}, {Int(g.StrideWidth)}, {Int(g.PadTop)}, {Int(g.PadLeft)}, isMax: {(s.IsMax ? "true" : "false")}{(s.TiesUp ? ", tiesUp: true" : "")});");
        w.WriteLine("_ = vectorBits;");
    }
}

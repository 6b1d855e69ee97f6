using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>A chw Flatten that is not folded into a dense layer: an HWC to CHW copy.</summary>
internal sealed class ChwFlattenEmitter : StepEmitter<ChwFlattenStep>
{
    protected override string Summary(ChwFlattenStep s) => $"Flatten {Layer(s.Source)} in chw order.";

    protected override void WriteBody(SourceWriter w, ChwFlattenStep s)
    {
        Buffers(w, s);
        var shape = s.Source.Input;
        using (w.OpenBlock($"for (int h = 0; h < {Int(shape.Height)}; h++)"))
        using (w.OpenBlock($"for (int x = 0; x < {Int(shape.Width)}; x++)"))
        using (w.OpenBlock($"for (int c = 0; c < {Int(shape.Channels)}; c++)"))
        {
            w.WriteLine($"Unsafe.Add(ref output, (c * {Int(shape.Height)} + h) * {Int(shape.Width)} + x) = Unsafe.Add(ref input, (h * {Int(shape.Width)} + x) * {Int(shape.Channels)} + c);");
        }

        w.WriteLine("_ = vectorBits;");
    }
}

using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>Pad: a call of the shared ZeroPad kernel with the layer's shape, amounts and fill as literals.</summary>
internal sealed class PadEmitter : StepEmitter<PadStep>
{
    protected override string Summary(PadStep s) =>
        $"{(s.Input.IsInt8 ? "int8" : "float32")} Pad {Layer(s.Source)}, top {s.Top}, bottom {s.Bottom}, left {s.Left}, right {s.Right}; "
        + (s.Input.IsInt8 ? $"padded cells hold the zero point {s.Fill} (0.0)." : "padded cells hold 0.0.");

    protected override void WriteBody(SourceWriter w, PadStep s)
    {
        // A copy moves bytes: one kernel serves int8 and float32, given the bytes of a pixel.
        var shape = s.Source.Input;
        int elementBytes = s.Input.IsInt8 ? 1 : 4;
        w.WriteLine($"ref byte input = ref At<byte>(ref arena, {Int(s.Input.Offset)}); // {Int(s.Input.Length)} {Element(s.Input)} values");
        w.WriteLine($"ref byte output = ref At<byte>(ref arena, {Int(s.Output.Offset)}); // {Int(s.Output.Length)} {Element(s.Output)} values");
        w.WriteLine($"ZeroPad(ref input, ref output, {Int(shape.Height)}, {Int(shape.Width)}, {Int(shape.Channels * elementBytes)}, "
            + $"{Int(s.Top)}, {Int(s.Bottom)}, {Int(s.Left)}, {Int(s.Right)}, fill: {Int(s.Fill)}, vectorBits);");
    }
}

using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The mean over H and W per channel.</summary>
internal sealed class GlobalAveragePoolEmitter : StepEmitter<GlobalAveragePoolStep>
{
    protected override string Summary(GlobalAveragePoolStep s) => $"{(s.Input.IsInt8 ? "int8" : "float32")} GlobalAveragePool {Layer(s.Source)}.";

    protected override void WriteBody(SourceWriter w, GlobalAveragePoolStep s)
    {
        Buffers(w, s);
        if (s.Input.IsInt8)
        {
            w.WriteLine($"GlobalPoolInt8(ref input, ref output, {Int(s.Source.Input.Height)}, {Int(s.Source.Input.Width)}, {Int(s.Source.Input.Channels)}, vectorBits);");
        }
        else
        {
            w.WriteLine($"GlobalPoolFloat(ref input, ref output, {Int(s.Source.Input.Height)}, {Int(s.Source.Input.Width)}, {Int(s.Source.Input.Channels)}, vectorBits);");
        }
    }
}

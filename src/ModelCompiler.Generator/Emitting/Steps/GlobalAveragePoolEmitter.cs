using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The mean over H and W per channel; an int8 mean with its own output quantization rescales (TFLite's integer MEAN).</summary>
internal sealed class GlobalAveragePoolEmitter : StepEmitter<GlobalAveragePoolStep>
{
    protected override string Summary(GlobalAveragePoolStep s) => s.Rescale is { } r
        ? $"int8 GlobalAveragePool {Layer(s.Source)}, rescaling as TFLite's integer MEAN: clamp({r.Bias} + rescale(sum, {r.Multiplier}, {r.Shift}), -128, 127), {(r.Rounding == Rounding.Tflite ? "TFLite's double rounding" : "single rounding")}."
        : $"{(s.Input.IsInt8 ? "int8" : "float32")} GlobalAveragePool {Layer(s.Source)}.";

    protected override void WriteBody(SourceWriter w, GlobalAveragePoolStep s)
    {
        Buffers(w, s);
        string shape = $"{Int(s.Source.Input.Height)}, {Int(s.Source.Input.Width)}, {Int(s.Source.Input.Channels)}";
        if (s.Rescale is { } r)
        {
            w.WriteLine($"GlobalPoolInt8Rescaled<{RoundingType(r.Rounding)}>(ref input, ref output, {shape}, {Int(r.Multiplier)}, {Int(r.Shift)}, {Int(r.Bias)}, vectorBits);");
        }
        else if (s.Input.IsInt8)
        {
            w.WriteLine($"GlobalPoolInt8(ref input, ref output, {shape}, vectorBits);");
        }
        else
        {
            w.WriteLine($"GlobalPoolFloat(ref input, ref output, {shape}, vectorBits);");
        }
    }
}

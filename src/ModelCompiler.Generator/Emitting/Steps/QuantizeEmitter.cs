using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>Float32 to int8 with the Runtime's Quantizer rule (vectorised, exactly).</summary>
internal sealed class QuantizeEmitter : StepEmitter<QuantizeStep>
{
    protected override string Summary(QuantizeStep s) =>
        $"Quantize '{Printable(s.Source.Name)}' (line {s.Source.Line}): {s.Source.Input} float32 -> int8, scale {s.Quant.Scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, zero point {s.Quant.ZeroPoint}.";

    protected override void WriteBody(SourceWriter w, QuantizeStep s)
    {
        Buffers(w, s);
        w.WriteLine($"QuantizeRun(ref input, ref output, {Int(s.Input.Length)}, {Float(s.Quant.Scale)}, {Int(s.Quant.ZeroPoint)}, vectorBits);");
    }
}

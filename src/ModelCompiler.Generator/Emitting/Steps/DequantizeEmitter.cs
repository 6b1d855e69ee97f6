using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>Int8 to float32 with the Runtime's Quantizer rule (vectorised, exactly).</summary>
internal sealed class DequantizeEmitter : StepEmitter<DequantizeStep>
{
    protected override string Summary(DequantizeStep s) =>
        $"Dequantize '{Printable(s.Source.Name)}' (line {s.Source.Line}): {s.Source.Input} int8 -> float32, scale {s.Quant.Scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, zero point {s.Quant.ZeroPoint}.";

    protected override void WriteBody(SourceWriter w, DequantizeStep s)
    {
        Buffers(w, s);
        w.WriteLine($"DequantizeRun(ref input, ref output, {Int(s.Input.Length)}, {Float(s.Quant.Scale)}, {Int(s.Quant.ZeroPoint)}, vectorBits);");
    }
}

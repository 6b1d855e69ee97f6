using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;
using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>Int8 addition: one call of the shared AddInt8 kernel with the folded multipliers, zero points and clamp as literals.</summary>
internal sealed class Int8AddEmitter : StepEmitter<Int8AddStep>
{
    protected override string Summary(Int8AddStep s) => $"int8 Add {Layer(s.Source)}, {s.Input.Length} values, {Describe(s.Stage, s.Activation)}.";

    protected override void WriteBody(SourceWriter w, Int8AddStep s)
    {
        WriteOperands(w, s, s.Second, "sbyte");
        w.WriteLine(KernelCall(s.Stage, s.Tables is null ? null : DataReference(s.MethodName + "_Tables", "byte"), "ref first", "ref second", "ref output", Int(s.Output.Length)));
    }

    protected override void WriteData(SourceWriter w, Int8AddStep s) => WriteTables(w, s.MethodName + "_Tables", s.Tables);

    /// <summary>The addition's rule and constants, as the comments name them.</summary>
    internal static string Describe(AdditionStage a, Activation activation) =>
        $"TFLite ADD ({(a.Rounding == Rounding.Tflite ? "TfliteAddition" : "Int8Addition")}): zero points {a.FirstZeroPoint} and {a.SecondZeroPoint}, "
        + $"multipliers to the common scale {a.FirstMultiplier}/2^{a.FirstShift} and {a.SecondMultiplier}/2^{a.SecondShift}, to the output {a.OutputMultiplier}/2^{a.OutputShift}, "
        + $"zero point out {a.OutputZeroPoint}, {Lower(activation)} activation (clamp [{a.Min}, {a.Max}])";

    /// <summary>
    /// The call of the shared kernel on <paramref name="count"/> values: AddInt8ByTables where <paramref name="tables"/>
    /// (a reference to the step's tables) is given, else AddInt8 with the model's rule.
    /// </summary>
    internal static string KernelCall(AdditionStage a, string? tables, string first, string second, string target, string count)
    {
        string kernel = tables is null
            ? $"AddInt8<{RoundingType(a.Rounding)}>({first}, {second}, {target}, {count}, "
            : $"AddInt8ByTables({first}, {second}, {target}, {count}, {tables}, ";
        return kernel + $"{Int(a.FirstZeroPoint)}, {Int(a.FirstMultiplier)}, {Int(a.FirstShift)}, "
            + $"{Int(a.SecondZeroPoint)}, {Int(a.SecondMultiplier)}, {Int(a.SecondShift)}, {Int(a.OutputMultiplier)}, {Int(a.OutputShift)}, {Int(a.OutputZeroPoint)}, "
            + $"{Int(a.Min)}, {Int(a.Max)}, vectorBits);";
    }

    /// <summary>The table addition's lookup tables, when it has them.</summary>
    internal static void WriteTables(SourceWriter w, string name, ImmutableEquatableArray<byte>? tables)
    {
        if (tables is not null)
        {
            WriteDataLiteral(w, name, tables.AsArray(), "The table addition's lookup tables (AdditionTables): per input its int16 value and rank, "
                + "as low bytes then high bytes, 256 entries each indexed by the input byte as unsigned.");
        }
    }

    /// <summary>The two inputs (in the layer's order) and the output as typed references into the arena.</summary>
    internal static void WriteOperands(SourceWriter w, StepPlan s, BufferSlice second, string element)
    {
        w.WriteLine($"ref {element} first = ref At<{element}>(ref arena, {Int(s.Input.Offset)}); // {Int(s.Input.Length)} values");
        w.WriteLine($"ref {element} second = ref At<{element}>(ref arena, {Int(second.Offset)}); // {Int(second.Length)} values");
        w.WriteLine($"ref {element} output = ref At<{element}>(ref arena, {Int(s.Output.Offset)}); // {Int(s.Output.Length)} values");
    }
}

/// <summary>Float32 addition: one call of the shared AddFloat kernel.</summary>
internal sealed class FloatAddEmitter : StepEmitter<FloatAddStep>
{
    protected override string Summary(FloatAddStep s) =>
        $"float32 Add {Layer(s.Source)}, {s.Input.Length} values, one float32 addition each, then {Lower(s.Activation)} activation.";

    protected override void WriteBody(SourceWriter w, FloatAddStep s)
    {
        Int8AddEmitter.WriteOperands(w, s, s.Second, "float");
        w.WriteLine($"AddFloat(ref first, ref second, ref output, {Int(s.Output.Length)}, {Int((int)s.Activation)});");
        w.WriteLine("_ = vectorBits;");
    }
}

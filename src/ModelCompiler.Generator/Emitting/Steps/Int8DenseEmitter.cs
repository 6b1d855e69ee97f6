using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The int8 dense layer: uint8 input against int8 weights, four units at a time.</summary>
internal sealed class Int8DenseEmitter : StepEmitter<Int8DenseStep>
{
    private const int UnitsPerItem = 4;

    protected override string Summary(Int8DenseStep s) =>
        $"int8 Dense {Layer(s.Source)}, {Int8Stage(s.Activation, s.Requantization, s.InputZeroPoint)}, inputs padded to {s.PaddedInputs}"
        + $"; {(s.FullRangeWeights ? "8-bit weights (input halved on the pair-summing paths)" : "7-bit weights")}: uint8 input (q + 128) x int8 weights, four units at a time."
        + FoldedFlatten(s.FoldedChw);

    /// <summary>The note of a chw Flatten folded into a dense layer's weights.</summary>
    internal static string FoldedFlatten(Format.TensorShape? chw) =>
        chw is { } shape ? $" The preceding chw Flatten of {shape} is folded into the weight order." : string.Empty;

    /// <summary>The input converted once (uint8 or int16), before the units are split.</summary>
    protected override void WriteBody(SourceWriter w, Int8DenseStep s)
    {
        w.WriteLine($"ref sbyte input = ref At<sbyte>(ref arena, {Int(s.Input.Offset)}); // {Int(s.Input.Length)} values");
        w.WriteLine($"ref byte unsignedInput = ref At<byte>(ref arena, {Int(s.UnsignedInputOffset)}); // the input as uint8 (q + 128), zero-padded to {Int(s.PaddedInputs)}");
        w.WriteLine($"FlipSign(ref input, ref unsignedInput, {Int(s.Inputs)}, vectorBits);");
        if (s.PaddedInputs > s.Inputs)
        {
            w.WriteLine($"Unsafe.InitBlockUnaligned(ref Unsafe.Add(ref unsignedInput, {Int(s.Inputs)}), 0, {Int(s.PaddedInputs - s.Inputs)});");
        }
    }

    /// <summary>Four units per item: the kernel's own grouping, so a split changes no unit's instruction sequence.</summary>
    protected override WorkSplit? Split(Int8DenseStep s) =>
        new((s.Units + UnitsPerItem - 1) / UnitsPerItem, $"groups of {UnitsPerItem} units", (long)s.Units * s.Inputs);

    protected override void WriteRange(SourceWriter w, Int8DenseStep s)
    {
        w.WriteLine($"ref sbyte output = ref At<sbyte>(ref arena, {Int(s.Output.Offset)}); // {Int(s.Output.Length)} values");
        w.WriteLine($"ref sbyte weights = {DataReference(s.MethodName + "_Weights", "sbyte")};");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
        w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
        w.WriteLine($"int first = start * {Int(UnitsPerItem)}, last = Math.Min(end * {Int(UnitsPerItem)}, {Int(s.Units)});");
        w.WriteLine($"ref byte unsignedInput = ref At<byte>(ref arena, {Int(s.UnsignedInputOffset)});");
        w.WriteLine($"DenseUnsigned<{RoundingType(s.Requantization.Rounding)}, {(s.FullRangeWeights ? "FullRangeWeights" : "SevenBitWeights")}>(ref unsignedInput, ref Unsafe.Add(ref weights, first * {Int(s.PaddedInputs)}), ref Unsafe.Add(ref bias, first), ref Unsafe.Add(ref multipliers, first), ref Unsafe.Add(ref shifts, first), "
            + $"ref Unsafe.Add(ref output, first), last - first, {Int(s.PaddedInputs)}, {Int(s.Requantization.ZeroPoint)}, {Int(s.Requantization.Min)}, {Int(s.Requantization.Max)}, vectorBits);");
    }

    protected override void WriteData(SourceWriter w, Int8DenseStep s)
    {
        WriteDataLiteral(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights [units][inputs padded to {s.PaddedInputs}], columns in arena (hwc) order.");
        w.WriteLine();
        WriteRequantizationData(w, s.MethodName, s.Requantization, "bias - (zp_in + 128) * sum(w) per unit.", "u", "unit");
    }
}

using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>Int8 depthwise convolution: the shared kernel with literal shapes; with a border, its entry that pads (or reads the border as the fill).</summary>
internal sealed class DepthwiseConvEmitter : StepEmitter<Int8DepthwiseConvStep>
{
    protected override string Summary(Int8DepthwiseConvStep s) =>
        $"int8 DepthwiseConv2D {Layer(s.Source)}, {Window(s.Spec)}, {Int8Stage(s.Spec.Activation, s.Requantization, s.InputZeroPoint)}, "
        + $"{s.Spec.OutputChannels} channels, depth multiplier 1, weights [Kh][Kw][C]"
        + (s.Border.Any
            ? $"; border (top {s.Border.Top}, bottom {s.Border.Bottom}, left {s.Border.Left}, right {s.Border.Right}) holding zp_in {s.InputZeroPoint}: copied in, or read as the fill by the AVX2 byte-quad kernel."
            : "; no padding: the kernel reads the input in place.");

    protected override void WriteBody(SourceWriter w, Int8DepthwiseConvStep s)
    {
        var g = s.Spec.Geometry;
        var b = s.Border;
        int width = g.InputWidth + b.Left + b.Right;
        Buffers(w, s);
        string weights = $"{DataReference(s.MethodName + "_Weights", "sbyte")}, "
            + $"ref MemoryMarshal.GetReference({s.MethodName}_Bias), ref MemoryMarshal.GetReference({s.MethodName}_Multipliers), ref MemoryMarshal.GetReference({s.MethodName}_Shifts), "
            + $"{DataReference(s.MethodName + "_Requantization", "long")}, ref output, ref staged, ";
        string rest = $"{Int(g.OutputHeight)}, {Int(g.OutputWidth)}, {Int(g.KernelHeight)}, {Int(g.KernelWidth)}, {Int(g.StrideHeight)}, {Int(g.StrideWidth)}, "
            + $"{Int(s.Requantization.ZeroPoint)}, {Int(s.Requantization.Min)}, {Int(s.Requantization.Max)}, "
            + $"narrowRequantization: {(NarrowRequantization.Applies(s.Requantization) ? "true" : "false")}, vectorBits);";
        if (b.Any)
        {
            // The kernel pads into this buffer, or (the AVX2 byte-quad kernel) reads the border as the fill without a copy.
            w.WriteLine($"ref sbyte padded = ref At<sbyte>(ref arena, {Int(s.PaddedInputOffset)}); // {Int(g.InputHeight + b.Top + b.Bottom)}x{Int(width)}x{Int(g.Channels)} int8");
        }

        w.WriteLine($"ref int staged = ref At<int>(ref arena, {Int(s.StagedOffset)}); // 16 int32: accumulators on their way to the scalar requantization");
        if (b.Any)
        {
            w.WriteLine($"DepthwiseConvInt8WithBorder<{RoundingType(s.Requantization.Rounding)}>(ref input, ref padded, {Int(g.InputHeight)}, {Int(g.InputWidth)}, "
                + $"{Int(b.Top)}, {Int(b.Bottom)}, {Int(b.Left)}, {Int(b.Right)}, fill: {Int(s.InputZeroPoint)}, {weights}{Int(g.Channels)}, {rest}");
        }
        else
        {
            w.WriteLine($"DepthwiseConvInt8<{RoundingType(s.Requantization.Rounding)}>(ref input, {weights}{Int(width)}, {Int(g.Channels)}, {rest}");
        }
    }

    protected override void WriteData(SourceWriter w, Int8DepthwiseConvStep s)
    {
        WriteDataLiteral(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights [Kh][Kw][C] (the file's [C][1][Kh][Kw] transposed).");
        w.WriteLine();
        WriteRequantizationData(w, s.MethodName, s.Requantization, "bias - zp_in * sum(w) per channel (padded channels 0).", "c", "channel");
        WriteRequantizationConstants(w, s.MethodName, s.RequantizationConstants, s.Requantization);
    }
}

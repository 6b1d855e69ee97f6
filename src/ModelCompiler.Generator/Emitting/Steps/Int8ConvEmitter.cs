using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The int8 convolution with 8-bit weights: a widened receptive field per output pixel, ConvDot against all output channels.</summary>
internal sealed class Int8ConvEmitter : StepEmitter<Int8ConvStep>
{
    protected override string Summary(Int8ConvStep s) =>
        $"int8 Conv2D {Layer(s.Source)}, {Window(s.Spec)}, {Int8Stage(s.Spec.Activation, s.Requantization, s.InputZeroPoint)}, "
        + $"patch {s.PatchLength} (padded {s.PaddedPatchLength}), {s.Spec.OutputChannels} filters (padded {s.Spec.PaddedOutputChannels})"
        + (s.Fused is { } pool ? $"; {FusedPoolText(pool)}: the max is taken over int32 accumulators, the pre-pool tensor is never stored." : ".");

    /// <summary>A fused pool as the conv comments name it.</summary>
    internal static string FusedPoolText(FusedPool pool) =>
        $"fused with MaxPool2D '{Printable(pool.Name)}' (line {pool.Line}) {pool.Window.KernelHeight}x{pool.Window.KernelWidth} stride {pool.Window.StrideHeight}x{pool.Window.StrideWidth} -> {pool.Output}";

    protected override void WriteBody(SourceWriter w, Int8ConvStep s)
    {
        var c = s.Conv;
        var p = s.Pool ?? new WindowGeometry(c.OutputHeight, c.OutputWidth, s.Spec.OutputChannels, c.OutputHeight, c.OutputWidth, 1, 1, 1, 1, 0, 0);
        bool fused = s.Pool is not null;
        int blocks = s.Spec.PaddedOutputChannels / WeightPacking.Lanes;
        Buffers(w, s);
        w.WriteLine($"ref short patch = ref At<short>(ref arena, {Int(s.Scratch.Patch)}); // {Int(s.PaddedPatchLength)} int16: one receptive field");
        w.WriteLine($"ref int acc = ref At<int>(ref arena, {Int(s.Scratch.Accumulators)}); // {Int(s.Spec.PaddedOutputChannels)} int32 accumulators");
        if (fused)
        {
            w.WriteLine($"ref int best = ref At<int>(ref arena, {Int(s.Scratch.Maximum)}); // running max of the accumulators over the pool window");
        }

        w.WriteLine($"ref sbyte weights = {DataReference(s.MethodName + "_Weights", "sbyte")};");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
        w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
        if (s.PaddedPatchLength > s.PatchLength)
        {
            w.WriteLine($"for (int k = {Int(s.PatchLength)}; k < {Int(s.PaddedPatchLength)}; k++) Unsafe.Add(ref patch, k) = 0; // the patch tail meets zero weights");
        }

        using (w.OpenBlock($"for (int py = 0; py < {Int(p.OutputHeight)}; py++)"))
        using (w.OpenBlock($"for (int px = 0; px < {Int(p.OutputWidth)}; px++)"))
        {
            string target = "acc";
            if (fused)
            {
                target = "best";
                w.WriteLine($"for (int c = 0; c < {Int(s.Spec.OutputChannels)}; c++) Unsafe.Add(ref best, c) = int.MinValue;");
                w.WriteLine($"for (int wy = 0; wy < {Int(p.KernelHeight)}; wy++)");
                w.WriteLine("{");
                w.Indent();
                w.WriteLine($"int oy = py * {Int(p.StrideHeight)} - {Int(p.PadTop)} + wy;");
                w.WriteLine($"if (unchecked((uint)oy) >= {Int(c.OutputHeight)}u) continue;");
                w.WriteLine($"for (int wx = 0; wx < {Int(p.KernelWidth)}; wx++)");
                w.WriteLine("{");
                w.Indent();
                w.WriteLine($"int ox = px * {Int(p.StrideWidth)} - {Int(p.PadLeft)} + wx;");
                w.WriteLine($"if (unchecked((uint)ox) >= {Int(c.OutputWidth)}u) continue;");
            }
            else
            {
                w.WriteLine("int oy = py, ox = px;");
            }

            WriteGather(w, s);
            w.WriteLine($"ConvDot(ref patch, ref weights, ref bias, ref acc, {Int(s.PaddedPatchLength)}, {Int(blocks)}, vectorBits);");
            if (fused)
            {
                w.WriteLine($"MaxInto(ref best, ref acc, {Int(s.Spec.OutputChannels)});");
                w.Unindent();
                w.WriteLine("}");
                w.Unindent();
                w.WriteLine("}");
            }

            w.WriteLine($"ref sbyte o = ref Unsafe.Add(ref output, (py * {Int(p.OutputWidth)} + px) * {Int(s.Spec.OutputChannels)});");
            using (w.OpenBlock($"for (int c = 0; c < {Int(s.Spec.OutputChannels)}; c++)"))
            {
                w.WriteLine($"Unsafe.Add(ref o, c) = (sbyte){RequantizerClass(s.Requantization.Rounding)}.Requantize(Unsafe.Add(ref {target}, c), Unsafe.Add(ref multipliers, c), Unsafe.Add(ref shifts, c), {Int(s.Requantization.ZeroPoint)}, {Int(s.Requantization.Min)}, {Int(s.Requantization.Max)});");
            }
        }
    }

    /// <summary>
    /// The receptive field into the patch. For a fixed ky the kx and ci cells are one contiguous NHWC run of Kw*Cin
    /// values, so a window inside the input is Kh widening copies at literal offsets (unrolled); windows that touch
    /// the padding (never, with valid padding) take the general cell-by-cell gather that fills in the zero point.
    /// </summary>
    private static void WriteGather(SourceWriter w, Int8ConvStep s)
    {
        var c = s.Conv;
        int run = c.KernelWidth * c.Channels;
        w.WriteLine($"int top = oy * {Int(c.StrideHeight)} - {Int(c.PadTop)}, left = ox * {Int(c.StrideWidth)} - {Int(c.PadLeft)};");
        bool alwaysInside = c.PadTop == 0 && c.PadLeft == 0
            && (c.OutputHeight - 1) * c.StrideHeight + c.KernelHeight <= c.InputHeight
            && (c.OutputWidth - 1) * c.StrideWidth + c.KernelWidth <= c.InputWidth;
        if (!alwaysInside)
        {
            w.WriteLine($"if (top >= 0 && left >= 0 && top <= {Int(c.InputHeight - c.KernelHeight)} && left <= {Int(c.InputWidth - c.KernelWidth)})");
            w.WriteLine("{");
            w.Indent();
        }

        w.WriteLine($"ref sbyte window = ref Unsafe.Add(ref input, (top * {Int(c.InputWidth)} + left) * {Int(c.Channels)});");
        for (int ky = 0; ky < c.KernelHeight; ky++)
        {
            w.WriteLine($"WidenRun(ref Unsafe.Add(ref window, {Int(ky * c.InputWidth * c.Channels)}), ref Unsafe.Add(ref patch, {Int(ky * run)}), {Int(run)}, vectorBits);");
        }

        if (!alwaysInside)
        {
            w.Unindent();
            w.WriteLine("}");
            w.WriteLine("else");
            w.WriteLine("{");
            w.Indent();
            w.WriteLine($"GatherPatch(ref input, ref patch, top, left, {Int(c.InputHeight)}, {Int(c.InputWidth)}, {Int(c.Channels)}, {Int(c.KernelHeight)}, {Int(c.KernelWidth)}, {Int(s.InputZeroPoint)});");
            w.Unindent();
            w.WriteLine("}");
        }
    }

    protected override void WriteData(SourceWriter w, Int8ConvStep s)
    {
        WriteDataLiteral(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights packed [Cout/16][K/2][16][2], K = {s.PatchLength} padded to {s.PaddedPatchLength}.");
        w.WriteLine();
        WriteRequantizationData(w, s.MethodName, s.Requantization, "bias - zp_in * sum(w) per output channel (padded channels 0).", "c", "output channel");
    }
}

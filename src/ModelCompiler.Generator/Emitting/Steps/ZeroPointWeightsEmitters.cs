using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>What the three emitters of layers with a weight zero point share: the requantizing store of one accumulator.</summary>
internal static class ZeroPointWeightsText
{
    public static string Store(string target, string accumulator, string channel, Planning.Int8Output r, string requantizer) =>
        $"{target} = (sbyte){requantizer}.Requantize({accumulator}, Unsafe.Add(ref multipliers, {channel}), Unsafe.Add(ref shifts, {channel}), {Int(r.ZeroPoint)}, {Int(r.Min)}, {Int(r.Max)});";

    public static void Constants(SourceWriter w, string method)
    {
        w.WriteLine($"ref short weights = {DataReference(method + "_Weights", "short")};");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({method}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({method}_Multipliers);");
        w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({method}_Shifts);");
    }
}

/// <summary>Int8 Conv2D with a weight zero point: an int16 receptive field per output pixel (GatherPatch), one CenteredDot per filter.</summary>
internal sealed class ZeroPointConvEmitter : StepEmitter<ZeroPointConvStep>
{
    protected override string Summary(ZeroPointConvStep s) =>
        $"int8 Conv2D {Layer(s.Source)}, {Window(s.Spec)}, {Int8Stage(s.Spec.Activation, s.Requantization, s.InputZeroPoint)}, weight zero point {s.WeightZeroPoint}: "
        + $"x (w - zw) in int16 pairs, zx (w - zw) folded into the bias, patch {s.PatchLength} (padded {s.PaddedPatchLength}), {s.Spec.OutputChannels} filters.";

    protected override void WriteBody(SourceWriter w, ZeroPointConvStep s)
    {
        var c = s.Spec.Geometry;
        Buffers(w, s);
        w.WriteLine($"ref short patch = ref At<short>(ref arena, {Int(s.PatchOffset)}); // {Int(s.PaddedPatchLength)} int16: one receptive field");
        ZeroPointWeightsText.Constants(w, s.MethodName);
        if (s.PaddedPatchLength > s.PatchLength)
        {
            w.WriteLine($"for (int k = {Int(s.PatchLength)}; k < {Int(s.PaddedPatchLength)}; k++) Unsafe.Add(ref patch, k) = 0; // the patch tail meets zero weights");
        }

        using (w.OpenBlock($"for (int oy = 0; oy < {Int(c.OutputHeight)}; oy++)"))
        using (w.OpenBlock($"for (int ox = 0; ox < {Int(c.OutputWidth)}; ox++)"))
        {
            w.WriteLine($"GatherPatch(ref input, ref patch, oy * {Int(c.StrideHeight)} - {Int(c.PadTop)}, ox * {Int(c.StrideWidth)} - {Int(c.PadLeft)}, {Int(c.InputHeight)}, {Int(c.InputWidth)}, {Int(c.Channels)}, {Int(c.KernelHeight)}, {Int(c.KernelWidth)}, {Int(s.InputZeroPoint)});");
            w.WriteLine($"ref sbyte o = ref Unsafe.Add(ref output, (oy * {Int(c.OutputWidth)} + ox) * {Int(s.Spec.OutputChannels)});");
            using (w.OpenBlock($"for (int f = 0; f < {Int(s.Spec.OutputChannels)}; f++)"))
            {
                w.WriteLine($"int sum = unchecked(Unsafe.Add(ref bias, f) + CenteredDot(ref patch, ref Unsafe.Add(ref weights, f * {Int(s.PaddedPatchLength)}), {Int(s.PaddedPatchLength)}, vectorBits));");
                w.WriteLine(ZeroPointWeightsText.Store("Unsafe.Add(ref o, f)", "sum", "f", s.Requantization, RequantizerClass(s.Requantization.Rounding)));
            }
        }
    }

    protected override void WriteData(SourceWriter w, ZeroPointConvStep s)
    {
        WriteDataLiteral(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count / 2} int16 weights w - zw (zw = {s.WeightZeroPoint}) [Cout][K], K = {s.PatchLength} padded to {s.PaddedPatchLength}.");
        w.WriteLine();
        WriteRequantizationData(w, s.MethodName, s.Requantization, "bias - zp_in * sum(w - zw) per output channel.", "c", "output channel");
    }
}

/// <summary>Int8 DepthwiseConv2D with a weight zero point: per output pixel, int32 accumulators over the window's cells.</summary>
internal sealed class ZeroPointDepthwiseEmitter : StepEmitter<ZeroPointDepthwiseStep>
{
    protected override string Summary(ZeroPointDepthwiseStep s) =>
        $"int8 DepthwiseConv2D {Layer(s.Source)}, {Window(s.Spec)}, {Int8Stage(s.Spec.Activation, s.Requantization, s.InputZeroPoint)}, weight zero point {s.WeightZeroPoint}: "
        + "(x - zx)(w - zw) in int32 lanes, cells in the padding skipped.";

    protected override void WriteBody(SourceWriter w, ZeroPointDepthwiseStep s)
    {
        var c = s.Spec.Geometry;
        int channels = s.Spec.OutputChannels;
        Buffers(w, s);
        w.WriteLine($"ref int acc = ref At<int>(ref arena, {Int(s.AccumulatorOffset)}); // {Int(channels)} int32 accumulators");
        ZeroPointWeightsText.Constants(w, s.MethodName);
        using (w.OpenBlock($"for (int oy = 0; oy < {Int(c.OutputHeight)}; oy++)"))
        using (w.OpenBlock($"for (int ox = 0; ox < {Int(c.OutputWidth)}; ox++)"))
        {
            w.WriteLine($"for (int ch = 0; ch < {Int(channels)}; ch++) Unsafe.Add(ref acc, ch) = Unsafe.Add(ref bias, ch);");
            using (w.OpenBlock($"for (int ky = 0; ky < {Int(c.KernelHeight)}; ky++)"))
            {
                w.WriteLine($"int iy = oy * {Int(c.StrideHeight)} - {Int(c.PadTop)} + ky;");
                w.WriteLine($"if (unchecked((uint)iy) >= {Int(c.InputHeight)}u) continue;");
                using (w.OpenBlock($"for (int kx = 0; kx < {Int(c.KernelWidth)}; kx++)"))
                {
                    w.WriteLine($"int ix = ox * {Int(c.StrideWidth)} - {Int(c.PadLeft)} + kx;");
                    w.WriteLine($"if (unchecked((uint)ix) >= {Int(c.InputWidth)}u) continue;");
                    w.WriteLine($"CenteredDepthwiseCell(ref Unsafe.Add(ref input, (iy * {Int(c.InputWidth)} + ix) * {Int(channels)}), ref Unsafe.Add(ref weights, (ky * {Int(c.KernelWidth)} + kx) * {Int(channels)}), ref acc, {Int(channels)}, {Int(s.InputZeroPoint)}, vectorBits);");
                }
            }

            w.WriteLine($"ref sbyte o = ref Unsafe.Add(ref output, (oy * {Int(c.OutputWidth)} + ox) * {Int(channels)});");
            using (w.OpenBlock($"for (int ch = 0; ch < {Int(channels)}; ch++)"))
            {
                w.WriteLine(ZeroPointWeightsText.Store("Unsafe.Add(ref o, ch)", "Unsafe.Add(ref acc, ch)", "ch", s.Requantization, RequantizerClass(s.Requantization.Rounding)));
            }
        }
    }

    protected override void WriteData(SourceWriter w, ZeroPointDepthwiseStep s)
    {
        WriteDataLiteral(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count / 2} int16 weights w - zw (zw = {s.WeightZeroPoint}) [Kh][Kw][C].");
        w.WriteLine();
        WriteRequantizationData(w, s.MethodName, s.Requantization, "bias per channel, as the file has it (the input is centred, nothing folded).", "c", "channel");
    }
}

/// <summary>Int8 Dense with a weight zero point: the input centred to int16 once, one CenteredDot per unit.</summary>
internal sealed class ZeroPointDenseEmitter : StepEmitter<ZeroPointDenseStep>
{
    protected override string Summary(ZeroPointDenseStep s) =>
        $"int8 Dense {Layer(s.Source)}, {Int8Stage(s.Activation, s.Requantization, s.InputZeroPoint)}, weight zero point {s.WeightZeroPoint}: "
        + $"(x - zx)(w - zw) in int16 pairs, inputs padded to {s.PaddedInputs}." + Int8DenseEmitter.FoldedFlatten(s.FoldedChw);

    protected override void WriteBody(SourceWriter w, ZeroPointDenseStep s)
    {
        Buffers(w, s);
        w.WriteLine($"ref short centred = ref At<short>(ref arena, {Int(s.CentredInputOffset)}); // the input as int16 x - zx, padded with 0 to {Int(s.PaddedInputs)}");
        ZeroPointWeightsText.Constants(w, s.MethodName);
        w.WriteLine($"CenterRun(ref input, ref centred, {Int(s.Inputs)}, {Int(s.InputZeroPoint)});");
        if (s.PaddedInputs > s.Inputs)
        {
            w.WriteLine($"for (int k = {Int(s.Inputs)}; k < {Int(s.PaddedInputs)}; k++) Unsafe.Add(ref centred, k) = 0;");
        }

        using (w.OpenBlock($"for (int u = 0; u < {Int(s.Units)}; u++)"))
        {
            w.WriteLine($"int sum = unchecked(Unsafe.Add(ref bias, u) + CenteredDot(ref centred, ref Unsafe.Add(ref weights, u * {Int(s.PaddedInputs)}), {Int(s.PaddedInputs)}, vectorBits));");
            w.WriteLine(ZeroPointWeightsText.Store("Unsafe.Add(ref output, u)", "sum", "u", s.Requantization, RequantizerClass(s.Requantization.Rounding)));
        }
    }

    protected override void WriteData(SourceWriter w, ZeroPointDenseStep s)
    {
        WriteDataLiteral(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count / 2} int16 weights w - zw (zw = {s.WeightZeroPoint}) [units][inputs padded to {s.PaddedInputs}], columns in arena (hwc) order.");
        w.WriteLine();
        WriteRequantizationData(w, s.MethodName, s.Requantization, "bias per unit, as the file has it (the input is centred, nothing folded).", "u", "unit");
    }
}

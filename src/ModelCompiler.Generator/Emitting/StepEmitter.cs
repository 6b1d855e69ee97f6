using ModelCompiler.Generator.Planning;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting;

/// <summary>Writes one method per planned step (literal shapes and offsets) and that step's constant data.</summary>
public static class StepEmitter
{
    public static void Write(SourceWriter w, StepPlan step)
    {
        w.WriteLine($"/// <summary>{Xml(step.Summary)}</summary>");
        using (w.OpenBlock($"private static void {step.MethodName}(ref byte arena, int vectorBits)"))
        {
            switch (step)
            {
                case Int8ConvStep conv: WriteInt8Conv(w, conv); break;
                case Int8DenseStep dense: WriteInt8Dense(w, dense); break;
                case FloatConvStep conv: WriteFloatConv(w, conv); break;
                case FloatDenseStep dense: WriteFloatDense(w, dense); break;
                case PoolStep pool: WritePool(w, pool); break;
                case GlobalAveragePoolStep pool: WriteGlobalPool(w, pool); break;
                case ChwFlattenStep flatten: WriteChwFlatten(w, flatten); break;
                case QuantizeStep quantize: WriteQuantize(w, quantize); break;
                case DequantizeStep dequantize: WriteDequantize(w, dequantize); break;
                default: throw new InvalidOperationException("no emitter for " + step.GetType().Name);
            }
        }

        w.WriteLine();
        WriteData(w, step);
    }

    private static string Element(BufferSlice slice) => slice.IsInt8 ? "sbyte" : "float";

    private static void Buffers(SourceWriter w, StepPlan step)
    {
        w.WriteLine($"ref {Element(step.Input)} input = ref At<{Element(step.Input)}>(ref arena, {Int(step.Input.Offset)}); // {Int(step.Input.Length)} values");
        w.WriteLine($"ref {Element(step.Output)} output = ref At<{Element(step.Output)}>(ref arena, {Int(step.Output.Offset)}); // {Int(step.Output.Length)} values");
    }

    private static void WriteInt8Conv(SourceWriter w, Int8ConvStep s)
    {
        var c = s.Conv;
        var p = s.Pool ?? new WindowGeometry(c.OutputHeight, c.OutputWidth, s.OutputChannels, c.OutputHeight, c.OutputWidth, 1, 1, 1, 1, 0, 0);
        bool fused = s.Pool is not null;
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        Buffers(w, s);
        w.WriteLine($"ref short patch = ref At<short>(ref arena, {Int(s.PatchOffset)}); // {Int(s.PaddedPatchLength)} int16: one receptive field");
        w.WriteLine($"ref int acc = ref At<int>(ref arena, {Int(s.AccumulatorOffset)}); // {Int(s.PaddedOutputChannels)} int32 accumulators");
        if (fused)
        {
            w.WriteLine($"ref int best = ref At<int>(ref arena, {Int(s.MaximumOffset)}); // running max of the accumulators over the pool window");
        }

        w.WriteLine($"ref sbyte weights = ref Unsafe.As<ulong, sbyte>(ref MemoryMarshal.GetReference({s.MethodName}_Weights));");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
        w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
        using (w.OpenBlock($"for (int py = 0; py < {Int(p.OutputHeight)}; py++)"))
        using (w.OpenBlock($"for (int px = 0; px < {Int(p.OutputWidth)}; px++)"))
        {
            string target = "acc";
            if (fused)
            {
                target = "best";
                w.WriteLine($"for (int c = 0; c < {Int(s.OutputChannels)}; c++) Unsafe.Add(ref best, c) = int.MinValue;");
                w.WriteLine($"for (int wy = 0; wy < {Int(p.KernelHeight)}; wy++)");
                w.WriteLine("{");
                w.Indent();
                w.WriteLine($"int oy = py * {Int(p.StrideHeight)} - {Int(p.PadTop)} + wy;");
                w.WriteLine($"if ((uint)oy >= {Int(c.OutputHeight)}u) continue;");
                w.WriteLine($"for (int wx = 0; wx < {Int(p.KernelWidth)}; wx++)");
                w.WriteLine("{");
                w.Indent();
                w.WriteLine($"int ox = px * {Int(p.StrideWidth)} - {Int(p.PadLeft)} + wx;");
                w.WriteLine($"if ((uint)ox >= {Int(c.OutputWidth)}u) continue;");
            }
            else
            {
                w.WriteLine("int oy = py, ox = px;");
            }

            w.WriteLine($"GatherPatch(ref input, ref patch, oy * {Int(c.StrideHeight)} - {Int(c.PadTop)}, ox * {Int(c.StrideWidth)} - {Int(c.PadLeft)}, "
                + $"{Int(c.InputHeight)}, {Int(c.InputWidth)}, {Int(c.Channels)}, {Int(c.KernelHeight)}, {Int(c.KernelWidth)}, {Int(s.InputZeroPoint)}, {Int(s.PatchLength)}, {Int(s.PaddedPatchLength)});");
            w.WriteLine($"ConvDot(ref patch, ref weights, ref bias, ref acc, {Int(s.PaddedPatchLength)}, {Int(blocks)}, vectorBits);");
            if (fused)
            {
                w.WriteLine($"MaxInto(ref best, ref acc, {Int(s.OutputChannels)});");
                w.Unindent();
                w.WriteLine("}");
                w.Unindent();
                w.WriteLine("}");
            }

            w.WriteLine($"ref sbyte o = ref Unsafe.Add(ref output, (py * {Int(p.OutputWidth)} + px) * {Int(s.OutputChannels)});");
            using (w.OpenBlock($"for (int c = 0; c < {Int(s.OutputChannels)}; c++)"))
            {
                w.WriteLine($"Unsafe.Add(ref o, c) = Requantize(Unsafe.Add(ref {target}, c), Unsafe.Add(ref multipliers, c), Unsafe.Add(ref shifts, c), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)});");
            }
        }
    }

    private static void WriteInt8Dense(SourceWriter w, Int8DenseStep s)
    {
        Buffers(w, s);
        w.WriteLine($"ref short wide = ref At<short>(ref arena, {Int(s.WideInputOffset)}); // the input as int16, padded to {Int(s.PaddedInputs)}");
        w.WriteLine($"ref sbyte weights = ref Unsafe.As<ulong, sbyte>(ref MemoryMarshal.GetReference({s.MethodName}_Weights));");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
        w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
        w.WriteLine($"Widen(ref input, ref wide, {Int(s.Inputs)}, {Int(s.PaddedInputs)});");
        using (w.OpenBlock($"for (int u = 0; u < {Int(s.Units)}; u++)"))
        {
            w.WriteLine($"int sum = unchecked(Unsafe.Add(ref bias, u) + DenseDot(ref wide, ref Unsafe.Add(ref weights, u * {Int(s.PaddedInputs)}), {Int(s.PaddedInputs)}, vectorBits));");
            w.WriteLine($"Unsafe.Add(ref output, u) = Requantize(sum, Unsafe.Add(ref multipliers, u), Unsafe.Add(ref shifts, u), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)});");
        }
    }

    private static void WriteFloatConv(SourceWriter w, FloatConvStep s)
    {
        var c = s.Conv;
        Buffers(w, s);
        w.WriteLine("Span<float> lanes = stackalloc float[16];");
        w.WriteLine($"FloatConv(ref input, ref Unsafe.As<ulong, float>(ref MemoryMarshal.GetReference({s.MethodName}_Weights)), "
            + $"ref Unsafe.As<ulong, float>(ref MemoryMarshal.GetReference({s.MethodName}_Bias)), ref output, lanes, "
            + $"{Int(c.InputHeight)}, {Int(c.InputWidth)}, {Int(c.Channels)}, {Int(c.OutputHeight)}, {Int(c.OutputWidth)}, {Int(c.KernelHeight)}, {Int(c.KernelWidth)}, "
            + $"{Int(c.StrideHeight)}, {Int(c.StrideWidth)}, {Int(c.PadTop)}, {Int(c.PadLeft)}, {Int(s.OutputChannels)}, {Int((int)s.Activation)}, vectorBits);");
    }

    private static void WriteFloatDense(SourceWriter w, FloatDenseStep s)
    {
        Buffers(w, s);
        w.WriteLine("Span<float> lanes = stackalloc float[16];");
        w.WriteLine($"FloatDense(ref input, ref Unsafe.As<ulong, float>(ref MemoryMarshal.GetReference({s.MethodName}_Weights)), "
            + $"ref Unsafe.As<ulong, float>(ref MemoryMarshal.GetReference({s.MethodName}_Bias)), ref output, lanes, {Int(s.Inputs)}, {Int(s.Units)}, {Int((int)s.Activation)}, vectorBits);");
    }

    private static void WritePool(SourceWriter w, PoolStep s)
    {
        var g = s.Window;
        Buffers(w, s);
        w.WriteLine($"{(s.Input.IsInt8 ? "PoolInt8" : "PoolFloat")}(ref input, ref output, {Int(g.InputHeight)}, {Int(g.InputWidth)}, {Int(g.Channels)}, {Int(g.OutputHeight)}, {Int(g.OutputWidth)}, "
            + $"{Int(g.KernelHeight)}, {Int(g.KernelWidth)}, {Int(g.StrideHeight)}, {Int(g.StrideWidth)}, {Int(g.PadTop)}, {Int(g.PadLeft)}, isMax: {(s.IsMax ? "true" : "false")});");
        w.WriteLine("_ = vectorBits;");
    }

    private static void WriteGlobalPool(SourceWriter w, GlobalAveragePoolStep s)
    {
        Buffers(w, s);
        w.WriteLine($"{(s.Input.IsInt8 ? "GlobalPoolInt8" : "GlobalPoolFloat")}(ref input, ref output, {Int(s.Height)}, {Int(s.Width)}, {Int(s.Channels)});");
        w.WriteLine("_ = vectorBits;");
    }

    private static void WriteChwFlatten(SourceWriter w, ChwFlattenStep s)
    {
        Buffers(w, s);
        using (w.OpenBlock($"for (int h = 0; h < {Int(s.Height)}; h++)"))
        using (w.OpenBlock($"for (int x = 0; x < {Int(s.Width)}; x++)"))
        using (w.OpenBlock($"for (int c = 0; c < {Int(s.Channels)}; c++)"))
        {
            w.WriteLine($"Unsafe.Add(ref output, (c * {Int(s.Height)} + h) * {Int(s.Width)} + x) = Unsafe.Add(ref input, (h * {Int(s.Width)} + x) * {Int(s.Channels)} + c);");
        }

        w.WriteLine("_ = vectorBits;");
    }

    private static void WriteQuantize(SourceWriter w, QuantizeStep s)
    {
        Buffers(w, s);
        using (w.OpenBlock($"for (int i = 0; i < {Int(s.Input.Length)}; i++)"))
        {
            w.WriteLine($"Unsafe.Add(ref output, i) = Quantize(Unsafe.Add(ref input, i), {Float(s.Quant.Scale)}, {Int(s.Quant.ZeroPoint)});");
        }

        w.WriteLine("_ = vectorBits;");
    }

    private static void WriteDequantize(SourceWriter w, DequantizeStep s)
    {
        Buffers(w, s);
        using (w.OpenBlock($"for (int i = 0; i < {Int(s.Input.Length)}; i++)"))
        {
            w.WriteLine($"Unsafe.Add(ref output, i) = (Unsafe.Add(ref input, i) - {Int(s.Quant.ZeroPoint)}) * {Float(s.Quant.Scale)};");
        }

        w.WriteLine("_ = vectorBits;");
    }

    private static void WriteData(SourceWriter w, StepPlan step)
    {
        switch (step)
        {
            case Int8ConvStep s:
                WriteUInt64Data(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights packed [Cout/16][K/2][16][2], K = {s.PatchLength} padded to {s.PaddedPatchLength}.");
                w.WriteLine();
                WriteInt32Data(w, s.MethodName + "_Bias", s.Bias, "bias - zp_in * sum(w) per output channel (padded channels 0).");
                w.WriteLine();
                WriteInt32Data(w, s.MethodName + "_Multipliers", s.Multipliers, "Requantizer.MultiplierFor(s_in, s_w[c], s_out).Multiplier per output channel.");
                w.WriteLine();
                WriteInt32Data(w, s.MethodName + "_Shifts", s.Shifts, "Requantizer.MultiplierFor(s_in, s_w[c], s_out).Shift per output channel.");
                w.WriteLine();
                break;
            case Int8DenseStep s:
                WriteUInt64Data(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights [units][inputs padded to {s.PaddedInputs}], columns in arena (hwc) order.");
                w.WriteLine();
                WriteInt32Data(w, s.MethodName + "_Bias", s.Bias, "bias - zp_in * sum(w) per unit.");
                w.WriteLine();
                WriteInt32Data(w, s.MethodName + "_Multipliers", s.Multipliers, "Requantizer.MultiplierFor(s_in, s_w[u], s_out).Multiplier per unit.");
                w.WriteLine();
                WriteInt32Data(w, s.MethodName + "_Shifts", s.Shifts, "Requantizer.MultiplierFor(s_in, s_w[u], s_out).Shift per unit.");
                w.WriteLine();
                break;
            case FloatConvStep s:
                WriteUInt64Data(w, s.MethodName + "_Weights", FloatBytes(s.Weights), $"{s.Weights.Count} float32 weights (bits) packed [Cout/16][Kh][Kw][Cin][16].");
                w.WriteLine();
                WriteUInt64Data(w, s.MethodName + "_Bias", FloatBytes(s.Bias), "float32 bias (bits), padded to a multiple of 16.");
                w.WriteLine();
                break;
            case FloatDenseStep s:
                WriteUInt64Data(w, s.MethodName + "_Weights", FloatBytes(s.Weights), $"{s.Weights.Count} float32 weights (bits) packed [units/16][inputs][16], inputs in arena (hwc) order.");
                w.WriteLine();
                WriteUInt64Data(w, s.MethodName + "_Bias", FloatBytes(s.Bias), "float32 bias (bits), padded to a multiple of 16.");
                w.WriteLine();
                break;
        }
    }
}

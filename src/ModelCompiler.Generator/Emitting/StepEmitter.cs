using ModelCompiler.Generator.Planning;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting;

/// <summary>Writes one method per planned step (literal shapes and offsets) and that step's constant data.</summary>
internal static class StepEmitter
{
    public static void Write(SourceWriter w, StepPlan step)
    {
        w.WriteLine($"/// <summary>{Xml(step.Summary)}</summary>");
        using (w.OpenBlock($"private static void {step.MethodName}(ref byte arena, int vectorBits)"))
        {
            switch (step)
            {
                case Int8ConvStep conv: WriteInt8Conv(w, conv); break;
                case Int8BlockedConvStep conv: BlockedConvEmitter.WriteBody(w, conv); break;
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
        if (step is Int8BlockedConvStep blocked)
        {
            BlockedConvEmitter.WriteKernels(w, blocked);
        }
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
                w.WriteLine($"for (int c = 0; c < {Int(s.OutputChannels)}; c++) Unsafe.Add(ref best, c) = int.MinValue;");
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
                w.WriteLine($"MaxInto(ref best, ref acc, {Int(s.OutputChannels)});");
                w.Unindent();
                w.WriteLine("}");
                w.Unindent();
                w.WriteLine("}");
            }

            w.WriteLine($"ref sbyte o = ref Unsafe.Add(ref output, (py * {Int(p.OutputWidth)} + px) * {Int(s.OutputChannels)});");
            using (w.OpenBlock($"for (int c = 0; c < {Int(s.OutputChannels)}; c++)"))
            {
                w.WriteLine($"Unsafe.Add(ref o, c) = (sbyte)Requantizer.Requantize(Unsafe.Add(ref {target}, c), Unsafe.Add(ref multipliers, c), Unsafe.Add(ref shifts, c), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)});");
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

    private static void WriteInt8Dense(SourceWriter w, Int8DenseStep s)
    {
        Buffers(w, s);
        w.WriteLine($"ref sbyte weights = ref Unsafe.As<ulong, sbyte>(ref MemoryMarshal.GetReference({s.MethodName}_Weights));");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
        w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
        if (s.UnsignedInput)
        {
            w.WriteLine($"ref byte unsignedInput = ref At<byte>(ref arena, {Int(s.WideInputOffset)}); // the input as uint8 (q + 128), zero-padded to {Int(s.PaddedInputs)}");
            w.WriteLine($"FlipSign(ref input, ref unsignedInput, {Int(s.Inputs)}, vectorBits);");
            if (s.PaddedInputs > s.Inputs)
            {
                w.WriteLine($"Unsafe.InitBlockUnaligned(ref Unsafe.Add(ref unsignedInput, {Int(s.Inputs)}), 0, {Int(s.PaddedInputs - s.Inputs)});");
            }

            w.WriteLine($"DenseUnsigned(ref unsignedInput, ref weights, ref bias, ref multipliers, ref shifts, ref output, {Int(s.Units)}, {Int(s.PaddedInputs)}, {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}, vectorBits);");
            return;
        }

        w.WriteLine($"ref short wide = ref At<short>(ref arena, {Int(s.WideInputOffset)}); // the input as int16, padded to {Int(s.PaddedInputs)}");
        w.WriteLine($"Widen(ref input, ref wide, {Int(s.Inputs)}, {Int(s.PaddedInputs)});");
        using (w.OpenBlock($"for (int u = 0; u < {Int(s.Units)}; u++)"))
        {
            w.WriteLine($"int sum = unchecked(Unsafe.Add(ref bias, u) + DenseDot(ref wide, ref Unsafe.Add(ref weights, u * {Int(s.PaddedInputs)}), {Int(s.PaddedInputs)}, vectorBits));");
            w.WriteLine($"Unsafe.Add(ref output, u) = (sbyte)Requantizer.Requantize(sum, Unsafe.Add(ref multipliers, u), Unsafe.Add(ref shifts, u), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)});");
        }
    }

    private static void WriteFloatConv(SourceWriter w, FloatConvStep s)
    {
        var c = s.Conv;
        Buffers(w, s);
        w.WriteLine("Span<float> lanes = stackalloc float[16];");
        w.WriteLine($"FloatConv(ref input, {FloatWeightsReference(s.MethodName, s.Weights)}, "
            + $"ref Unsafe.As<ulong, float>(ref MemoryMarshal.GetReference({s.MethodName}_Bias)), ref output, lanes, "
            + $"{Int(c.InputHeight)}, {Int(c.InputWidth)}, {Int(c.Channels)}, {Int(c.OutputHeight)}, {Int(c.OutputWidth)}, {Int(c.KernelHeight)}, {Int(c.KernelWidth)}, "
            + $"{Int(c.StrideHeight)}, {Int(c.StrideWidth)}, {Int(c.PadTop)}, {Int(c.PadLeft)}, {Int(s.OutputChannels)}, {Int((int)s.Activation)}, vectorBits);");
    }

    private static void WriteFloatDense(SourceWriter w, FloatDenseStep s)
    {
        Buffers(w, s);
        w.WriteLine("Span<float> lanes = stackalloc float[16];");
        w.WriteLine($"FloatDense(ref input, {FloatWeightsReference(s.MethodName, s.Weights)}, "
            + $"ref Unsafe.As<ulong, float>(ref MemoryMarshal.GetReference({s.MethodName}_Bias)), ref output, lanes, {Int(s.Inputs)}, {Int(s.Units)}, {Int((int)s.Activation)}, vectorBits);");
    }

    /// <summary>float32 weights are used in place; float16 and int8 ones through their widened copy.</summary>
    private static string FloatWeightsReference(string method, StoredWeights weights) => weights.Precision == Format.Precision.Float32
        ? $"ref Unsafe.As<ulong, float>(ref MemoryMarshal.GetReference({method}_Weights))"
        : $"ref MemoryMarshal.GetArrayDataReference({method}_Widened.Weights)";

    private static void WriteStoredWeights(SourceWriter w, string method, StoredWeights weights, string order)
    {
        switch (weights.Precision)
        {
            case Format.Precision.Float32:
                WriteUInt64Data(w, method + "_Weights", weights.Bytes.AsArray(), $"{weights.Count} float32 weights (bits) packed {order}.");
                w.WriteLine();
                return;
            case Format.Precision.Float16:
                WriteUInt64Data(w, method + "_Weights", weights.Bytes.AsArray(), $"{weights.Count} float16 weights (bits) packed {order}.");
                w.WriteLine();
                w.WriteLine("/// <summary>The float16 weights widened exactly to float32, once, when first used (the embedded data stays 2 bytes a weight).</summary>");
                using (w.OpenBlock($"private static class {method}_Widened"))
                {
                    w.WriteLine($"internal static readonly float[] Weights = WidenHalf({method}_Weights, {Int(weights.Count)});");
                }

                w.WriteLine();
                return;
            default:
                WriteUInt64Data(w, method + "_Weights", weights.Bytes.AsArray(), $"{weights.Count} int8 weights packed {order}.");
                w.WriteLine();
                WriteUInt64Data(w, method + "_Scales", FloatBytes(weights.ChannelScales), "float32 weight scale (bits) per output channel, padded with 0.");
                w.WriteLine();
                w.WriteLine("/// <summary>The dynamic-range weights widened to (float)q * scale[c] (one float32 multiply, as the reference), once, when first used.</summary>");
                using (w.OpenBlock($"private static class {method}_Widened"))
                {
                    w.WriteLine($"internal static readonly float[] Weights = WidenInt8({method}_Weights, {method}_Scales, {Int(weights.Count)}, {Int(weights.PerOutput)});");
                }

                w.WriteLine();
                return;
        }
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
        w.WriteLine($"QuantizeRun(ref input, ref output, {Int(s.Input.Length)}, {Float(s.Quant.Scale)}, {Int(s.Quant.ZeroPoint)}, vectorBits);");
    }

    private static void WriteDequantize(SourceWriter w, DequantizeStep s)
    {
        Buffers(w, s);
        using (w.OpenBlock($"for (int i = 0; i < {Int(s.Input.Length)}; i++)"))
        {
            w.WriteLine($"Unsafe.Add(ref output, i) = Quantizer.Dequantize(Unsafe.Add(ref input, i), {Float(s.Quant.Scale)}, {Int(s.Quant.ZeroPoint)});");
        }

        w.WriteLine("_ = vectorBits;");
    }

    /// <summary>The folded bias, requantization multipliers and shifts of an int8 layer.</summary>
    internal static void WriteRequantizationData(SourceWriter w, string method, IReadOnlyList<int> bias, IReadOnlyList<int> multipliers, IReadOnlyList<int> shifts, string biasComment, string index, string per)
    {
        WriteInt32Data(w, method + "_Bias", bias, biasComment);
        w.WriteLine();
        WriteInt32Data(w, method + "_Multipliers", multipliers, $"Requantizer.MultiplierFor(s_in, s_w[{index}], s_out).Multiplier per {per}.");
        w.WriteLine();
        WriteInt32Data(w, method + "_Shifts", shifts, $"Requantizer.MultiplierFor(s_in, s_w[{index}], s_out).Shift per {per}.");
        w.WriteLine();
    }

    private static void WriteData(SourceWriter w, StepPlan step)
    {
        switch (step)
        {
            case Int8ConvStep s:
                WriteUInt64Data(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights packed [Cout/16][K/2][16][2], K = {s.PatchLength} padded to {s.PaddedPatchLength}.");
                w.WriteLine();
                WriteRequantizationData(w, s.MethodName, s.Bias, s.Multipliers, s.Shifts, "bias - zp_in * sum(w) per output channel (padded channels 0).", "c", "output channel");
                break;
            case Int8BlockedConvStep s:
                BlockedConvEmitter.WriteData(w, s);
                break;
            case Int8DenseStep s:
                WriteUInt64Data(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights [units][inputs padded to {s.PaddedInputs}], columns in arena (hwc) order.");
                w.WriteLine();
                WriteRequantizationData(w, s.MethodName, s.Bias, s.Multipliers, s.Shifts, s.UnsignedInput ? "bias - (zp_in + 128) * sum(w) per unit." : "bias - zp_in * sum(w) per unit.", "u", "unit");
                break;
            case FloatConvStep s:
                WriteStoredWeights(w, s.MethodName, s.Weights, "[Cout/16][Kh][Kw][Cin][16]");
                WriteUInt64Data(w, s.MethodName + "_Bias", FloatBytes(s.Bias), "float32 bias (bits), padded to a multiple of 16.");
                w.WriteLine();
                break;
            case FloatDenseStep s:
                WriteStoredWeights(w, s.MethodName, s.Weights, "[units/16][inputs][16], inputs in arena (hwc) order");
                WriteUInt64Data(w, s.MethodName + "_Bias", FloatBytes(s.Bias), "float32 bias (bits), padded to a multiple of 16.");
                w.WriteLine();
                break;
        }
    }
}

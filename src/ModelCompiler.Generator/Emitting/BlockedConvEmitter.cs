using ModelCompiler.Generator.Planning;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting;

/// <summary>
/// Writes the register-blocked int8 convolution of one layer: the step body (uint8 copy of the input, then the widest
/// kernel the CPU runs) and one kernel method per instruction set, with the layer's shapes as literals and the
/// accumulators as separate locals so that the JIT keeps them in registers.
/// </summary>
public static class BlockedConvEmitter
{
    public static void WriteBody(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        w.WriteLine($"ref sbyte input = ref At<sbyte>(ref arena, {Int(s.Input.Offset)}); // {Int(s.Input.Length)} values");
        w.WriteLine($"ref sbyte output = ref At<sbyte>(ref arena, {Int(s.Output.Offset)}); // {Int(s.Output.Length)} values");
        w.WriteLine($"ref byte padded = ref At<byte>(ref arena, {Int(s.UnsignedInputOffset)}); // {Int(s.PaddedHeight)}x{Int(s.PaddedWidth)}x{Int(c.Channels)} uint8 + 4 bytes of over-read slack");
        w.WriteLine($"ToUnsigned(ref input, ref padded, {Int(c.InputHeight)}, {Int(c.InputWidth * c.Channels)}, {Int(s.PaddedHeight)}, {Int(s.PaddedWidth * c.Channels)}, "
            + $"{Int(c.PadTop)}, {Int(c.PadLeft * c.Channels)}, {Int(s.InputZeroPoint + 128)});");
        w.WriteLine($"if (vectorBits >= 512 && Avx512BW.IsSupported) {s.MethodName}_Avx512(ref padded, ref output);");
        w.WriteLine($"else if (vectorBits >= 256 && Avx2.IsSupported) {s.MethodName}_Avx2(ref padded, ref output, ref At<int>(ref arena, {Int(s.AccumulatorOffset)}));");
        w.WriteLine($"else if (vectorBits >= 128 && Vector128.IsHardwareAccelerated) {s.MethodName}_Vector128(ref padded, ref output, ref At<int>(ref arena, {Int(s.AccumulatorOffset)}));");
        w.WriteLine($"else {s.MethodName}_Scalar(ref padded, ref output, ref At<int>(ref arena, {Int(s.AccumulatorOffset)}));");
    }

    public static void WriteData(SourceWriter w, Int8BlockedConvStep s)
    {
        WriteUInt64Data(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights in [-64, 63] packed [Cout/16][Kh][{s.Groups}][16][4] over r = kx*Cin + ci.");
        w.WriteLine();
        StepEmitter.WriteRequantizationData(w, s.MethodName, s.Bias, s.Multipliers, s.Shifts, "bias - (zp_in + 128) * sum(w) per output channel (padded channels 0).", "c", "output channel");
        WriteUInt64Data(w, s.MethodName + "_Requantization", s.Requantization.AsArray(), "Per 16 channels, int64: shifts of the even channels, of the odd channels, then 2^(shift-1) of each.");
        w.WriteLine();
    }

    public static void WriteKernels(SourceWriter w, Int8BlockedConvStep s)
    {
        WriteAvx512(w, s);
        w.WriteLine();
        WriteAvx2(w, s);
        w.WriteLine();
        WriteVector128(w, s);
        w.WriteLine();
        WriteScalar(w, s);
        w.WriteLine();
    }

    /// <summary>Output rows and columns the kernel loops over: pool windows when fused, else conv pixels.</summary>
    private static (int Rows, int Columns) Steps(Int8BlockedConvStep s) =>
        s.Pool is { } p ? (p.OutputHeight, p.OutputWidth) : (s.Conv.OutputHeight, s.Conv.OutputWidth);

    /// <summary>Byte offsets, from the first pixel's window, of the windows of the step's pixels.</summary>
    private static int[] PixelOffsets(Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int rowBytes = s.PaddedWidth * c.Channels;
        if (s.Pool is { } p)
        {
            var offsets = new List<int>();
            for (int dy = 0; dy < p.KernelHeight; dy++)
            {
                for (int dx = 0; dx < p.KernelWidth; dx++)
                {
                    offsets.Add((dy * c.StrideHeight * rowBytes) + (dx * c.StrideWidth * c.Channels));
                }
            }

            return offsets.ToArray();
        }

        return Enumerable.Range(0, s.Pixels).Select(i => i * c.StrideWidth * c.Channels).ToArray();
    }

    /// <summary>Opens the loops over output positions and sets <c>window</c> (and <c>x0</c> when unfused).</summary>
    private static void OpenPixelLoops(SourceWriter w, Int8BlockedConvStep s, int pixelsPerStep)
    {
        var c = s.Conv;
        int rowBytes = s.PaddedWidth * c.Channels;
        var (rows, columns) = Steps(s);
        w.WriteLine($"for (int oy = 0; oy < {Int(rows)}; oy++)");
        w.WriteLine("{");
        w.Indent();
        if (s.Pool is { } p)
        {
            w.WriteLine($"for (int ox = 0; ox < {Int(columns)}; ox++)");
            w.WriteLine("{");
            w.Indent();
            w.WriteLine($"ref byte window = ref Unsafe.Add(ref padded, oy * {Int(p.StrideHeight * c.StrideHeight * rowBytes)} + ox * {Int(p.StrideWidth * c.StrideWidth * c.Channels)});");
        }
        else
        {
            w.WriteLine($"for (int ox = 0; ox < {Int(columns)}; ox += {Int(pixelsPerStep)})");
            w.WriteLine("{");
            w.Indent();
            if (columns % pixelsPerStep != 0)
            {
                w.WriteLine($"int x0 = ox < {Int(columns - pixelsPerStep)} ? ox : {Int(columns - pixelsPerStep)}; // the last step overlaps the one before");
            }
            else
            {
                w.WriteLine("int x0 = ox;");
            }

            w.WriteLine($"ref byte window = ref Unsafe.Add(ref padded, oy * {Int(c.StrideHeight * rowBytes)} + x0 * {Int(c.StrideWidth * c.Channels)});");
        }
    }

    private static void ClosePixelLoops(SourceWriter w)
    {
        w.Unindent();
        w.WriteLine("}");
        w.Unindent();
        w.WriteLine("}");
    }

    /// <summary>Index of the first output byte of the step's pixel <paramref name="p"/> (unfused) or pool window (fused).</summary>
    private static string OutputIndex(Int8BlockedConvStep s, int p)
    {
        var (_, columns) = Steps(s);
        return s.Pool is null
            ? $"(oy * {Int(columns)} + x0 + {Int(p)}) * {Int(s.OutputChannels)}"
            : $"(oy * {Int(columns)} + ox) * {Int(s.OutputChannels)}";
    }

    private static string Count(Int8BlockedConvStep s, string channel) =>
        s.OutputChannels % WeightPacking.Lanes == 0 ? "16" : $"{Int(s.OutputChannels)} - ({channel})";

    private static void WriteAvx512(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int v = s.Vectors, p = s.Pixels;
        var offsets = PixelOffsets(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes / v;
        w.WriteLine($"/// <summary>AVX-512BW: {Int(p)} pixels x {Int(v * 16)} channels per step, {Int(p * v)} accumulators; u8 x s8 pairs (exact for 7-bit weights), then x 1 into int32.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Avx512(ref byte padded, ref sbyte output)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref long requantization = ref Unsafe.As<ulong, long>(ref MemoryMarshal.GetReference({s.MethodName}_Requantization));");
            w.WriteLine("Vector512<short> ones = Vector512.Create((short)1);");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine($"ref sbyte blockWeights = ref Unsafe.Add(ref weights, b * {Int(v * s.BlockBytes)});");
                w.WriteLine($"int channel = b * {Int(v * 16)};");
                OpenPixelLoops(w, s, p);
                for (int i = 0; i < p; i++)
                {
                    w.WriteLine(string.Join(", ", Enumerable.Range(0, v).Select(j => $"Vector512<int> a{i}_{j} = Vector512<int>.Zero").ToArray()).Replace(", Vector512<int> ", ", ") + ";");
                }

                w.WriteLine("ref sbyte k = ref blockWeights;");
                using (w.OpenBlock($"for (int ky = 0; ky < {Int(c.KernelHeight)}; ky++)"))
                {
                    w.WriteLine($"ref byte row = ref Unsafe.Add(ref window, ky * {Int(s.PaddedWidth * c.Channels)});");
                    using (w.OpenBlock($"for (int r = 0; r < {Int(4 * s.Groups)}; r += 4)"))
                    {
                        for (int j = 0; j < v; j++)
                        {
                            w.WriteLine(j == 0
                                ? "Vector512<sbyte> w0 = Vector512.LoadUnsafe(ref k);"
                                : $"Vector512<sbyte> w{j} = Vector512.LoadUnsafe(ref k, {Int(j * s.BlockBytes)});");
                        }

                        for (int i = 0; i < p; i++)
                        {
                            w.WriteLine($"Vector512<byte> u{i} = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, r{(offsets[i] == 0 ? string.Empty : " + " + Int(offsets[i]))}))).AsByte();");
                            for (int j = 0; j < v; j++)
                            {
                                w.WriteLine($"a{i}_{j} = Avx512F.Add(a{i}_{j}, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u{i}, w{j}), ones));");
                            }
                        }

                        w.WriteLine("k = ref Unsafe.Add(ref k, 64);");
                    }
                }

                w.WriteLine();
                for (int j = 0; j < v; j++)
                {
                    string ch = j == 0 ? "channel" : $"channel + {Int(j * 16)}";
                    string constants = $"ref Unsafe.Add(ref requantization, {(j == 0 ? "channel * 2" : $"(channel + {Int(j * 16)}) * 2")})";
                    string tail = $"ref Unsafe.Add(ref multipliers, {ch}), {constants}, {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}";
                    if (s.Pool is not null)
                    {
                        string max = $"a0_{j}";
                        for (int i = 1; i < p; i++)
                        {
                            max = $"Avx512F.Max({max}, a{i}_{j})";
                        }

                        w.WriteLine($"RequantizeStore512(Avx512F.Add({max}, Vector512.LoadUnsafe(ref bias, (nuint)({ch}))), {tail}, ref Unsafe.Add(ref output, {OutputIndex(s, 0)} + {ch}), {Count(s, ch)});");
                    }
                    else
                    {
                        for (int i = 0; i < p; i++)
                        {
                            w.WriteLine($"RequantizeStore512(Avx512F.Add(a{i}_{j}, Vector512.LoadUnsafe(ref bias, (nuint)({ch}))), {tail}, ref Unsafe.Add(ref output, {OutputIndex(s, i)} + {ch}), {Count(s, ch)});");
                        }
                    }
                }

                ClosePixelLoops(w);
            }
        }
    }

    private static void WriteConstantsReferences(SourceWriter w, Int8BlockedConvStep s)
    {
        w.WriteLine($"ref sbyte weights = ref Unsafe.As<ulong, sbyte>(ref MemoryMarshal.GetReference({s.MethodName}_Weights));");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
    }

    private static void WriteAvx2(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int p = s.Pixels;
        var offsets = PixelOffsets(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        w.WriteLine($"/// <summary>AVX2: {Int(p)} pixels x 16 channels per step (two 8-lane halves); u8 x s8 pairs (exact for 7-bit weights), then x 1 into int32.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Avx2(ref byte padded, ref sbyte output, ref int staged)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
            w.WriteLine("Vector256<short> ones = Vector256.Create((short)1);");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine($"ref sbyte blockWeights = ref Unsafe.Add(ref weights, b * {Int(s.BlockBytes)});");
                w.WriteLine("int channel = b * 16;");
                OpenPixelLoops(w, s, p);
                for (int i = 0; i < p; i++)
                {
                    w.WriteLine($"Vector256<int> a{i}_0 = Vector256<int>.Zero, a{i}_1 = Vector256<int>.Zero;");
                }

                w.WriteLine("ref sbyte k = ref blockWeights;");
                using (w.OpenBlock($"for (int ky = 0; ky < {Int(c.KernelHeight)}; ky++)"))
                {
                    w.WriteLine($"ref byte row = ref Unsafe.Add(ref window, ky * {Int(s.PaddedWidth * c.Channels)});");
                    using (w.OpenBlock($"for (int r = 0; r < {Int(4 * s.Groups)}; r += 4)"))
                    {
                        w.WriteLine("Vector256<sbyte> w0 = Vector256.LoadUnsafe(ref k), w1 = Vector256.LoadUnsafe(ref k, 32);");
                        for (int i = 0; i < p; i++)
                        {
                            w.WriteLine($"Vector256<byte> u{i} = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, r{(offsets[i] == 0 ? string.Empty : " + " + Int(offsets[i]))}))).AsByte();");
                            w.WriteLine($"a{i}_0 = Avx2.Add(a{i}_0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u{i}, w0), ones));");
                            w.WriteLine($"a{i}_1 = Avx2.Add(a{i}_1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u{i}, w1), ones));");
                        }

                        w.WriteLine("k = ref Unsafe.Add(ref k, 64);");
                    }
                }

                w.WriteLine();
                string tail = $"ref Unsafe.Add(ref multipliers, channel), ref Unsafe.Add(ref shifts, channel), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}";
                if (s.Pool is not null)
                {
                    string low = "a0_0", high = "a0_1";
                    for (int i = 1; i < p; i++)
                    {
                        low = $"Avx2.Max({low}, a{i}_0)";
                        high = $"Avx2.Max({high}, a{i}_1)";
                    }

                    WriteStage(w, low, high);
                    w.WriteLine($"RequantizeStaged(ref staged, {tail}, ref Unsafe.Add(ref output, {OutputIndex(s, 0)} + channel), {Count(s, "channel")});");
                }
                else
                {
                    for (int i = 0; i < p; i++)
                    {
                        WriteStage(w, $"a{i}_0", $"a{i}_1");
                        w.WriteLine($"RequantizeStaged(ref staged, {tail}, ref Unsafe.Add(ref output, {OutputIndex(s, i)} + channel), {Count(s, "channel")});");
                    }
                }

                ClosePixelLoops(w);
            }
        }
    }

    private static void WriteStage(SourceWriter w, string low, string high)
    {
        w.WriteLine($"Avx2.Add({low}, Vector256.LoadUnsafe(ref bias, (nuint)channel)).StoreUnsafe(ref staged);");
        w.WriteLine($"Avx2.Add({high}, Vector256.LoadUnsafe(ref bias, (nuint)(channel + 8))).StoreUnsafe(ref staged, 8);");
    }

    /// <summary>
    /// Cross-platform Vector128 (SSE on x86, AdvSimd on ARM64): u8 and s8 widened to int16 and multiplied (exact:
    /// 255 * 127 fits), widened again and summed per (lane, j) in 16 int32 accumulators, one per channel of the block;
    /// the 4 partial sums of each channel are added at the end.
    /// </summary>
    private static void WriteVector128(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        var offsets = PixelOffsets(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        int rowBytes = s.PaddedWidth * c.Channels;
        int pixels = s.Pool is null ? 1 : offsets.Length;
        w.WriteLine("/// <summary>Vector128 (any CPU with 128-bit vectors, ARM64 included): one pixel x 16 channels per step, u8 and s8 widened to int16.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Vector128(ref byte padded, ref sbyte output, ref int staged)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine("int channel = b * 16;");
                OpenPixelLoops(w, s, s.Pool is null ? 1 : s.Pixels);
                using (w.OpenBlock($"for (int pixel = 0; pixel < {Int(pixels)}; pixel++)"))
                {
                    if (s.Pool is { } pool)
                    {
                        w.WriteLine($"ref byte pixelWindow = ref Unsafe.Add(ref window, (pixel / {Int(pool.KernelWidth)}) * {Int(c.StrideHeight * rowBytes)} + (pixel % {Int(pool.KernelWidth)}) * {Int(c.StrideWidth * c.Channels)});");
                    }
                    else
                    {
                        w.WriteLine("ref byte pixelWindow = ref window;");
                    }

                    for (int q = 0; q < 4; q++)
                    {
                        w.WriteLine(string.Join(", ", Enumerable.Range(4 * q, 4).Select(i => $"{(i == 4 * q ? "Vector128<int> " : string.Empty)}c{i} = Vector128<int>.Zero").ToArray()) + ";");
                    }

                    w.WriteLine($"ref sbyte k = ref Unsafe.Add(ref weights, b * {Int(s.BlockBytes)});");
                    using (w.OpenBlock($"for (int ky = 0; ky < {Int(c.KernelHeight)}; ky++)"))
                    {
                        w.WriteLine($"ref byte row = ref Unsafe.Add(ref pixelWindow, ky * {Int(rowBytes)});");
                        using (w.OpenBlock($"for (int r = 0; r < {Int(4 * s.Groups)}; r += 4)"))
                        {
                            w.WriteLine("Vector128<short> u = Vector128.WidenLower(Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, r))).AsByte()).AsInt16();");
                            for (int q = 0; q < 4; q++)
                            {
                                w.WriteLine($"Vector128<sbyte> w{q} = Vector128.LoadUnsafe(ref k{(q == 0 ? string.Empty : $", {Int(16 * q)}")});");
                                w.WriteLine($"Vector128<short> p{q}a = Vector128.WidenLower(w{q}) * u, p{q}b = Vector128.WidenUpper(w{q}) * u;");
                                w.WriteLine($"c{4 * q} += Vector128.WidenLower(p{q}a); c{4 * q + 1} += Vector128.WidenUpper(p{q}a); c{4 * q + 2} += Vector128.WidenLower(p{q}b); c{4 * q + 3} += Vector128.WidenUpper(p{q}b);");
                            }

                            w.WriteLine("k = ref Unsafe.Add(ref k, 64);");
                        }
                    }

                    w.WriteLine();
                    for (int i = 0; i < 16; i++)
                    {
                        w.WriteLine($"int s{i} = Vector128.Sum(c{i}); Unsafe.Add(ref staged, {Int(i)}) = pixel == 0 || s{i} > Unsafe.Add(ref staged, {Int(i)}) ? s{i} : Unsafe.Add(ref staged, {Int(i)});");
                    }
                }

                w.WriteLine();
                w.WriteLine("(Vector128.LoadUnsafe(ref staged) + Vector128.LoadUnsafe(ref bias, (nuint)channel)).StoreUnsafe(ref staged);");
                w.WriteLine("(Vector128.LoadUnsafe(ref staged, 4) + Vector128.LoadUnsafe(ref bias, (nuint)(channel + 4))).StoreUnsafe(ref staged, 4);");
                w.WriteLine("(Vector128.LoadUnsafe(ref staged, 8) + Vector128.LoadUnsafe(ref bias, (nuint)(channel + 8))).StoreUnsafe(ref staged, 8);");
                w.WriteLine("(Vector128.LoadUnsafe(ref staged, 12) + Vector128.LoadUnsafe(ref bias, (nuint)(channel + 12))).StoreUnsafe(ref staged, 12);");
                w.WriteLine($"RequantizeStaged(ref staged, ref Unsafe.Add(ref multipliers, channel), ref Unsafe.Add(ref shifts, channel), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}, ref Unsafe.Add(ref output, {OutputIndex(s, 0)} + channel), {Count(s, "channel")});");
                ClosePixelLoops(w);
            }
        }
    }

    private static void WriteScalar(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        var offsets = PixelOffsets(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        int rowBytes = s.PaddedWidth * c.Channels;
        w.WriteLine("/// <summary>Scalar: the same packed weights and uint8 input, one output position and channel at a time.</summary>");
        using (w.OpenBlock($"private static void {s.MethodName}_Scalar(ref byte padded, ref sbyte output, ref int staged)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine("int channel = b * 16;");
                OpenPixelLoops(w, s, s.Pool is null ? 1 : s.Pixels);
                using (w.OpenBlock("for (int lane = 0; lane < 16; lane++)"))
                {
                    w.WriteLine("int best = int.MinValue;");
                    using (w.OpenBlock($"for (int pixel = 0; pixel < {Int(s.Pool is null ? 1 : offsets.Length)}; pixel++)"))
                    {
                        if (s.Pool is { } pool)
                        {
                            w.WriteLine($"ref byte pixelWindow = ref Unsafe.Add(ref window, (pixel / {Int(pool.KernelWidth)}) * {Int(c.StrideHeight * rowBytes)} + (pixel % {Int(pool.KernelWidth)}) * {Int(c.StrideWidth * c.Channels)});");
                        }
                        else
                        {
                            w.WriteLine("ref byte pixelWindow = ref window;");
                        }

                        w.WriteLine("int sum = 0;");
                        using (w.OpenBlock($"for (int ky = 0; ky < {Int(c.KernelHeight)}; ky++)"))
                        {
                            w.WriteLine($"ref byte row = ref Unsafe.Add(ref pixelWindow, ky * {Int(rowBytes)});");
                            w.WriteLine($"ref sbyte k = ref Unsafe.Add(ref weights, (b * {Int(c.KernelHeight)} + ky) * {Int(s.Groups * 64)} + lane * 4);");
                            using (w.OpenBlock($"for (int r = 0; r < {Int(4 * s.Groups)}; r++)"))
                            {
                                w.WriteLine("sum += Unsafe.Add(ref row, r) * Unsafe.Add(ref k, (r >> 2) * 64 + (r & 3));");
                            }
                        }

                        w.WriteLine("best = sum > best ? sum : best;");
                    }


                    w.WriteLine("Unsafe.Add(ref staged, lane) = best + Unsafe.Add(ref bias, channel + lane);");
                }

                w.WriteLine();
                w.WriteLine($"RequantizeStaged(ref staged, ref Unsafe.Add(ref multipliers, channel), ref Unsafe.Add(ref shifts, channel), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}, ref Unsafe.Add(ref output, {OutputIndex(s, 0)} + channel), {Count(s, "channel")});");
                ClosePixelLoops(w);
            }
        }
    }
}

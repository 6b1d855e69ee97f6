using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>
/// Writes the register-blocked int8 convolution of one layer: the step body (uint8 copy of the input, then the widest
/// kernel the CPU runs) and one kernel method per instruction set, with the layer's shapes as literals and the
/// accumulators as separate locals so that the JIT keeps them in registers.
/// </summary>
internal sealed partial class BlockedConvEmitter : StepEmitter<Int8BlockedConvStep>
{
    protected override string Summary(Int8BlockedConvStep s) =>
        $"int8 Conv2D {Layer(s.Source)}, {Window(s.Spec)}, {Int8Stage(s.Spec.Activation, s.Requantization, s.InputZeroPoint)}, "
        + $"{s.OutputChannels} filters (padded {s.PaddedOutputChannels}); {WeightRange(s)} weights: register-blocked u8 x s8 kernel on a {s.PaddedHeight}x{s.PaddedWidth}x{s.Conv.Channels} uint8 copy of the input, "
        + $"{s.Pixels} pixels x {s.Vectors * WeightPacking.Lanes} channels per step, {s.Groups} groups of 4 bytes per kernel row"
        + (s.Fused is { } pool ? $"; {FusedPoolText(pool)}: one pool window per step, the max is taken over int32 accumulators, the pre-pool tensor is never stored." : ".")
        + (s.Add is { } add ? $" Fused with Add '{Printable(add.Name)}' (line {add.Line}), the convolution's output {(add.ConvIsFirst ? "first" : "second")}: each range of output rows is added "
            + $"to the other input's in place right after the kernel wrote it, {Int8AddEmitter.Describe(add.Stage, add.Activation)}." : "");

    /// <summary>A fused pool as the conv comments name it.</summary>
    private static string FusedPoolText(FusedPool pool) =>
        $"fused with MaxPool2D '{Printable(pool.Name)}' (line {pool.Line}) {pool.Window.KernelHeight}x{pool.Window.KernelWidth} stride {pool.Window.StrideHeight}x{pool.Window.StrideWidth} -> {pool.Output}";

    protected override void WriteBody(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        w.WriteLine($"ref sbyte input = ref At<sbyte>(ref arena, {Int(s.Input.Offset)}); // {Int(s.Input.Length)} values");
        w.WriteLine($"ref byte padded = ref At<byte>(ref arena, {Int(s.UnsignedInputOffset)}); // {Int(s.PaddedHeight)}x{Int(s.PaddedWidth)}x{Int(c.Channels)} uint8 + 4 bytes of over-read slack");
        if (PointwiseWidened(s))
        {
            w.WriteLine("// The AVX2 pointwise kernel widens the int8 input itself (q + 128 as int16); the other paths read the uint8 copy.");
            w.WriteLine($"if (!({Avx2PointwiseRuns}))");
            w.Indent();
        }

        w.WriteLine($"ToUnsigned(ref input, ref padded, {Int(c.InputHeight)}, {Int(c.InputWidth * c.Channels)}, {Int(s.PaddedHeight)}, {Int(s.PaddedWidth * c.Channels)}, "
            + $"{Int(c.PadTop)}, {Int(c.PadLeft * c.Channels)}, {Int(s.InputZeroPoint + 128)}, vectorBits);");
        if (PointwiseWidened(s))
        {
            w.Unindent();
        }
    }

    protected override WorkSplit? Split(Int8BlockedConvStep s)
    {
        var c = s.Conv;
        long macs = (long)c.OutputHeight * c.OutputWidth * s.OutputChannels * c.KernelHeight * c.KernelWidth * c.Channels;
        return new WorkSplit(Steps(s).Rows, s.Pool is null ? "output rows" : "pooled output rows", macs);
    }

    /// <summary>
    /// The widest kernel the CPU runs over rows [start, end); the 16 staged accumulators of the narrower paths are the
    /// thread's own. With a fused addition the kernels are called by <c>_Convolve</c> and the rows are then added.
    /// </summary>
    protected override void WriteRange(SourceWriter w, Int8BlockedConvStep s)
    {
        if (s.Add is not { } add)
        {
            WriteKernelDispatch(w, s);
            return;
        }

        int rowValues = s.Conv.OutputWidth * s.OutputChannels;
        w.WriteLine($"{s.MethodName}_Convolve(ref arena, vectorBits, start, end);");
        w.WriteLine($"// Add '{Printable(add.Name)}' (line {add.Line}) on the rows just written, still in cache; the kernels write no row outside [start, end).");
        w.WriteLine($"ref sbyte output = ref At<sbyte>(ref arena, {Int(s.Output.Offset)}); // {Int(s.Output.Length)} values");
        w.WriteLine($"ref sbyte skip = ref At<sbyte>(ref arena, {Int(add.Skip.Offset)}); // {Int(add.Skip.Length)} values");
        w.WriteLine($"int from = start * {Int(rowValues)}, count = (end - start) * {Int(rowValues)};");
        string conv = "ref Unsafe.Add(ref output, from)", other = "ref Unsafe.Add(ref skip, from)";
        w.WriteLine(Int8AddEmitter.KernelCall(
            add.Stage, add.Tables is null ? null : DataReference(s.MethodName + "_AddTables", "byte"), add.ConvIsFirst ? conv : other, add.ConvIsFirst ? other : conv, conv, "count"));
    }

    /// <summary>The kernel dispatch over rows [start, end): the range method's body, or <c>_Convolve</c>'s with a fused addition.</summary>
    private static void WriteKernelDispatch(SourceWriter w, Int8BlockedConvStep s)
    {
        w.WriteLine($"ref sbyte output = ref At<sbyte>(ref arena, {Int(s.Output.Offset)}); // {Int(s.Output.Length)} values");
        w.WriteLine($"ref byte padded = ref At<byte>(ref arena, {Int(s.UnsignedInputOffset)});");
        WriteNarrowInputDispatch(w, s);
        using (w.OpenBlock("if (vectorBits >= Avx512VnniBits && Avx512BW.IsSupported)"))
        {
            w.WriteLine($"{s.MethodName}_Avx512Vnni(ref padded, ref output, start, end);");
            w.WriteLine("return;");
        }

        w.WriteLine();
        using (w.OpenBlock("if (vectorBits >= 512 && Avx512BW.IsSupported)"))
        {
            w.WriteLine($"{s.MethodName}_Avx512(ref padded, ref output, start, end);");
            w.WriteLine("return;");
        }

        w.WriteLine();
        w.WriteLine("Span<int> staged = stackalloc int[16];");
        w.WriteLine($"if (vectorBits >= 256 && Avx2.IsSupported) {s.MethodName}_Avx2({(PointwiseWidened(s) ? $"ref At<sbyte>(ref arena, {Int(s.Input.Offset)})" : "ref padded")}, ref output, ref MemoryMarshal.GetReference(staged), start, end);");
        w.WriteLine($"else if (vectorBits >= 128 && Vector128.IsHardwareAccelerated) {s.MethodName}_Vector128(ref padded, ref output, ref MemoryMarshal.GetReference(staged), start, end);");
        w.WriteLine($"else {s.MethodName}_Scalar(ref padded, ref output, ref MemoryMarshal.GetReference(staged), start, end);");
    }

    protected override void WriteData(SourceWriter w, Int8BlockedConvStep s)
    {
        WriteDataLiteral(w, s.MethodName + "_Weights", s.Weights.AsArray(), $"{s.Weights.Count} int8 weights in {(s.Layout.FullRangeWeights ? "[-128, 127]" : "[-64, 63]")} packed [Cout/16][Kh][{s.Groups}][16][4] over r = kx*Cin + ci.");
        w.WriteLine();
        WriteRequantizationData(w, s.MethodName, s.Requantization, "bias - (zp_in + 128) * sum(w) per output channel (padded channels 0).", "c", "output channel");
        WriteRequantizationConstants(w, s.MethodName, s.RequantizationConstants, s.Requantization);
        WriteNarrowInputData(w, s);
        WriteWidenedData(w, s);
        if (s.Add is { } add)
        {
            Int8AddEmitter.WriteTables(w, s.MethodName + "_AddTables", add.Tables);
        }
    }

    protected override void WriteKernels(SourceWriter w, Int8BlockedConvStep s)
    {
        if (s.Add is not null)
        {
            w.WriteLine($"/// <summary>The convolution of output rows [start, end) of {s.MethodName}, before its fused addition.</summary>");
            using (w.OpenBlock($"private static void {s.MethodName}_Convolve(ref byte arena, int vectorBits, int start, int end)"))
            {
                WriteKernelDispatch(w, s);
            }

            w.WriteLine();
        }

        WriteAvx512Vnni(w, s);
        WriteNarrowInputKernel(w, s);
        w.WriteLine();
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
    private static int[] PixelOffsets(Int8BlockedConvStep s) => PixelOffsets(s, s.Pixels);

    /// <summary>The same for a step of <paramref name="pixels"/> unfused pixels (the VNNI kernel chooses its own count).</summary>
    private static int[] PixelOffsets(Int8BlockedConvStep s, int pixels)
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

        return Enumerable.Range(0, pixels).Select(i => i * c.StrideWidth * c.Channels).ToArray();
    }

    /// <summary>Opens the loops over output positions and sets <c>window</c> (and <c>x0</c> when unfused).</summary>
    private static void OpenPixelLoops(SourceWriter w, Int8BlockedConvStep s, int pixelsPerStep)
    {
        var c = s.Conv;
        int rowBytes = s.PaddedWidth * c.Channels;
        var (rows, columns) = Steps(s);
        w.WriteLine($"for (int oy = start; oy < end; oy++) // of {Int(rows)} rows");
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
        int v = s.Vectors, p = s.Pixels;
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes / v;
        w.WriteLine($"/// <summary>AVX-512BW: {Int(p)} pixels x {Int(v * 16)} channels per step, {Int(p * v)} accumulators; {PairProducts(s)}.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Avx512(ref byte padded, ref sbyte output, int start, int end)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref long requantization = {DataReference(s.MethodName + "_Requantization", "long")};");
            if (!s.Layout.FullRangeWeights)
            {
                w.WriteLine("Vector512<short> ones = Vector512.Create((short)1);");
            }

            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine($"ref sbyte blockWeights = ref Unsafe.Add(ref weights, b * {Int(v * s.BlockBytes)});");
                w.WriteLine($"int channel = b * {Int(v * 16)};");
                OpenPixelLoops(w, s, p);
                for (int i = 0; i < p; i++)
                {
                    w.WriteLine("Vector512<int> " + string.Join(", ", Enumerable.Range(0, v).Select(j => $"a{i}_{j} = Vector512.LoadUnsafe(ref bias, (nuint)({Channel(j)}))").ToArray()) + ";");
                }

                WriteKernelLoops(w, s, p, v, "Vector512",
                    (j, offset) => $"Vector512<sbyte> w{j} = Vector512.LoadUnsafe(ref k{(offset.Length == 0 ? string.Empty : $", {offset}")});",
                    (i, j) => Accumulate512(s, i, j));
                w.WriteLine();
                WriteRequantizeStores512(w, s, v, (i, j) => $"a{i}_{j}", biased: true, pooled: j =>
                {
                    string max = $"a0_{j}";
                    for (int i = 1; i < p; i++)
                    {
                        max = $"Avx512F.Max({max}, a{i}_{j})";
                    }

                    return max;
                });
                ClosePixelLoops(w);
            }
        }
    }

    /// <summary>
    /// The loops over kernel rows and 4-byte groups of a step of <paramref name="pixels"/> pixels:
    /// <paramref name="loadWeights"/>(j, offset) loads vector j's weights from <c>k</c> plus the byte offset (an
    /// expression, empty for 0; an element offset into <c>k</c>, of <paramref name="weightType"/>), each pixel i broadcasts its 4 bytes into <c>u{i}</c> (a <paramref name="vector"/>), and
    /// <paramref name="accumulate"/>(i, j) adds pixel i's products with vector j's weights (one line, or several
    /// separated by '\n'). The groups of a kernel row
    /// are unrolled (all of them when few, else by <see cref="GroupUnroll"/>) so that the JIT folds the offsets into the
    /// addresses instead of paying a loop and a sign extension per group; the offsets are native integers. Vector j's
    /// weights start <paramref name="vectorOffset"/>(j) bytes into the step's (default: one 16-channel block each).
    /// </summary>
    private static void WriteKernelLoops(
        SourceWriter w, Int8BlockedConvStep s, int pixels, int vectors, string vector, Func<int, string, string> loadWeights, Func<int, int, string> accumulate, Func<int, int>? vectorOffset = null, string weightType = "sbyte")
    {
        vectorOffset ??= j => j * s.BlockBytes;
        var c = s.Conv;
        var offsets = PixelOffsets(s, pixels);
        int unroll = GroupUnroll(s.Groups);
        bool loop = unroll < s.Groups;
        w.WriteLine($"ref {weightType} k = ref blockWeights;");
        SourceWriter.Block? rows = null;
        if (c.KernelHeight > 1)
        {
            rows = w.OpenBlock($"for (nint ky = 0; ky < {Int(c.KernelHeight)}; ky++)");
            w.WriteLine($"ref byte row = ref Unsafe.Add(ref window, ky * {Int(s.PaddedWidth * c.Channels)});");
        }
        else
        {
            w.WriteLine("ref byte row = ref window;");
        }

        SourceWriter.Block? groups = loop ? w.OpenBlock($"for (nint r = 0; r < {Int(4 * s.Groups)}; r += {Int(4 * unroll)})") : null;
        for (int g = 0; g < unroll; g++)
        {
            if (unroll > 1)
            {
                w.WriteLine($"{{ // group {(loop ? $"r / 4 + {Int(g)}" : Int(g))}");
                w.Indent();
            }

            for (int j = 0; j < vectors; j++)
            {
                w.WriteLine(loadWeights(j, Offset(null, (g * 64) + vectorOffset(j))));
            }

            for (int i = 0; i < pixels; i++)
            {
                w.WriteLine($"{vector}<byte> u{i} = {vector}.Create(Unsafe.ReadUnaligned<int>({Reference("row", Offset(loop ? "r" : null, (4 * g) + offsets[i]))})).AsByte();");
                for (int j = 0; j < vectors; j++)
                {
                    foreach (string line in accumulate(i, j).Split('\n'))
                    {
                        w.WriteLine(line);
                    }
                }
            }

            if (unroll > 1)
            {
                w.Unindent();
                w.WriteLine("}");
            }
        }

        w.WriteLine($"k = ref Unsafe.Add(ref k, {Int(64 * unroll)});");
        groups?.Dispose();
        rows?.Dispose();
    }

    /// <summary>Groups of a kernel row done per loop iteration: all up to 8, else the largest of 4, 3, 2 that divides them.</summary>
    private static int GroupUnroll(int groups)
    {
        if (groups <= 8)
        {
            return groups;
        }

        int unroll = new[] { 4, 3, 2 }.FirstOrDefault(u => groups % u == 0);
        return unroll > 0 ? unroll : 1;
    }

    /// <summary><paramref name="variable"/> + <paramref name="constant"/> as an expression; empty when both are absent or 0.</summary>
    private static string Offset(string? variable, int constant) =>
        (variable, constant) switch
        {
            (null, 0) => string.Empty,
            (null, _) => Int(constant),
            (_, 0) => variable,
            _ => $"{variable} + {Int(constant)}",
        };

    /// <summary><c>ref name</c> advanced by <paramref name="offset"/> bytes (an expression from <see cref="Offset"/>).</summary>
    private static string Reference(string name, string offset) =>
        offset.Length == 0 ? $"ref {name}" : $"ref Unsafe.Add(ref {name}, {offset})";

    /// <summary>
    /// The 512-bit epilogue of a step: bias added, requantized and stored for each of the <paramref name="vectors"/>
    /// 16-channel vectors, per pixel (<paramref name="pixel"/>(i, j) is pixel i's vector j) or, with a fused pool,
    /// once per window (<paramref name="pooled"/>(j) is the max over the window's pixels). <paramref name="biased"/>
    /// when the accumulators started at the bias (else it is added here); <paramref name="pixels"/> unfused pixels per
    /// step when not <see cref="Int8BlockedConvStep.Pixels"/>; <paramref name="outputIndex"/>(i), pixel i's first output
    /// byte, when not <see cref="OutputIndex"/>'s.
    /// </summary>
    private static void WriteRequantizeStores512(
        SourceWriter w, Int8BlockedConvStep s, int vectors, Func<int, int, string> pixel, Func<int, string> pooled, bool biased = false, int? pixels = null, Func<int, string>? outputIndex = null)
    {
        outputIndex ??= i => OutputIndex(s, i);
        for (int j = 0; j < vectors; j++)
        {
            string ch = Channel(j);
            string call = Requantize512(s.Requantization, ch);
            string Biased(string acc) => biased ? acc : $"Avx512F.Add({acc}, Vector512.LoadUnsafe(ref bias, (nuint)({ch})))";
            if (s.Pool is not null)
            {
                w.WriteLine($"{call.Replace("{acc}", Biased(pooled(j)))}, ref Unsafe.Add(ref output, {OutputIndex(s, 0)} + {ch}), {Count(s, ch)});");
            }
            else
            {
                for (int i = 0; i < (pixels ?? s.Pixels); i++)
                {
                    w.WriteLine($"{call.Replace("{acc}", Biased(pixel(i, j)))}, ref Unsafe.Add(ref output, {outputIndex(i)} + {ch}), {Count(s, ch)});");
                }
            }
        }
    }

    /// <summary>The first channel of the step's 16-channel vector <paramref name="j"/> (plus <paramref name="lanes"/>), as an expression.</summary>
    private static string Channel(int j, int lanes = 0) => j == 0 && lanes == 0 ? "channel" : $"channel + {Int((j * 16) + lanes)}";

    private static void WriteConstantsReferences(SourceWriter w, Int8BlockedConvStep s)
    {
        w.WriteLine($"ref sbyte weights = {DataReference(s.MethodName + "_Weights", "sbyte")};");
        w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
        w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
    }
}

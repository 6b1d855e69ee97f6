using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The blocked convolution's VNNI kernel for a layer with few input channels (<see cref="NarrowInputConv"/>).</summary>
internal sealed partial class BlockedConvEmitter
{
    private static string NarrowName(Int8BlockedConvStep s) => s.MethodName + "_NarrowInput";

    /// <summary>The run-packed weights, the vpermb indices and the vpshufb indices of the narrow-input kernels the layer takes.</summary>
    private static void WriteNarrowInputData(SourceWriter w, Int8BlockedConvStep s)
    {
        if (!NarrowInputConv.Applies(s) && !NarrowInputConv.AppliesAvx2(s))
        {
            return;
        }

        int groups = NarrowInputConv.GroupsFor(s);
        WriteDataLiteral(w, NarrowName(s) + "_Weights", NarrowInputConv.PackWeights(s),
            $"The same weights packed [Cout/16][{groups}][16][4] over t = (ky*Kw + kx)*Cin + ci, no padding inside the window (the narrow-input kernels).");
        w.WriteLine();
        if (NarrowInputConv.Applies(s))
        {
            var indices = Enumerable.Range(0, s.Pixels).SelectMany(pixel => NarrowInputConv.PermuteIndices(s, pixel)).ToArray();
            WriteDataLiteral(w, NarrowName(s) + "_Indices", indices,
                "vpermb indices per pixel of a step: its window's bytes 0-15 in both 128-bit lanes of the low half, bytes 16-31 in both of the high half, from the step's input rows loaded as 16-byte lanes.");
            w.WriteLine();
        }

        if (NarrowInputConv.AppliesAvx2(s))
        {
            string pairs = string.Join(", ", NarrowInputConv.Avx2Shuffles(s).Select(pair => $"run bytes {pair.Half * 16}-{pair.Half * 16 + 15} from kernel row {pair.Row}").ToArray());
            WriteDataLiteral(w, NarrowName(s) + "_Shuffles", NarrowInputConv.Avx2ShuffleIndices(s),
                $"vpshufb indices of the AVX2 narrow-input kernel, 32 bytes each ({pairs}; the last row loaded {NarrowInputConv.LastRowBack(s)} bytes early), 0x80 for bytes of other rows.");
            w.WriteLine();
        }
    }

    /// <summary>
    /// The dispatch to the narrow-input kernels the layer takes, before the general ones: the AVX-512 VBMI kernel, and
    /// the AVX2 one where no AVX-512 kernel runs (those keep their place on CPUs that have them).
    /// </summary>
    private static void WriteNarrowInputDispatch(SourceWriter w, Int8BlockedConvStep s)
    {
        if (NarrowInputConv.Applies(s))
        {
            using (w.OpenBlock("if (vectorBits >= Avx512VnniBits && Avx512BW.IsSupported && Avx512Vbmi.IsSupported)"))
            {
                w.WriteLine($"{NarrowName(s)}_Avx512Vnni(ref padded, ref output, start, end);");
                w.WriteLine("return;");
            }

            w.WriteLine();
        }

        if (NarrowInputConv.AppliesAvx2(s))
        {
            using (w.OpenBlock("if (vectorBits >= 256 && Avx2.IsSupported && (vectorBits < 512 || !Avx512BW.IsSupported))"))
            {
                w.WriteLine($"{NarrowName(s)}_Avx2(ref padded, ref output, start, end);");
                w.WriteLine("return;");
            }

            w.WriteLine();
        }
    }

    /// <summary>
    /// Per pool window: the step's input rows (16 bytes each) loaded into one 512-bit vector; then, two pixels at a time,
    /// each pixel's run built with one vpermb (see <see cref="NarrowInputConv.PermuteIndices"/>), each group of 4 bytes
    /// broadcast by one in-lane vpshufd into vpdpbusd, fully unrolled, and the pixels' accumulators folded into the
    /// window's running max; then the same requantization as <see cref="WriteAvx512Vnni"/>. Two pixels at a time keep
    /// the live vectors near 16: with all four pixels' 16 accumulators the JIT moved accumulators between registers
    /// around most vpdpbusd. No memory round trip for the runs: 4-byte loads from a 64-byte store just written stall
    /// on store forwarding.
    /// </summary>
    private static void WriteNarrowInputKernel(SourceWriter w, Int8BlockedConvStep s)
    {
        if (NarrowInputConv.Applies(s))
        {
            WriteNarrowInputAvx512(w, s);
        }

        if (NarrowInputConv.AppliesAvx2(s))
        {
            WriteNarrowInputAvx2(w, s);
        }
    }

    /// <inheritdoc cref="WriteNarrowInputKernel"/>
    private static void WriteNarrowInputAvx512(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int p = s.Pixels, groups = NarrowInputConv.GroupsFor(s), blockBytes = NarrowInputConv.BlockBytes(s), rows = NarrowInputConv.StepRows(s);
        int rowBytes = s.PaddedWidth * c.Channels;
        int v = NarrowInputConv.VectorsFor(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes / v;
        w.WriteLine();
        w.WriteLine($"/// <summary>AVX-512 VBMI + vpdpbusd ({ByteProduct(s)}) for {Int(c.Channels)} input channels: {Int(p)} pixels x {Int(v * 16)} channels per step, two pixels at a time, each pixel's {Int(c.KernelHeight * c.KernelWidth * c.Channels)}-byte window one run of {Int(groups)} groups of 4 bytes (vpermb from the step's {Int(rows)} input rows).</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {NarrowName(s)}_Avx512Vnni(ref byte padded, ref sbyte output, int start, int end)"))
        {
            w.WriteLine($"ref sbyte weights = {DataReference(NarrowName(s) + "_Weights", "sbyte")};");
            w.WriteLine($"ref byte indices = {DataReference(NarrowName(s) + "_Indices", "byte")};");
            w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
            w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
            w.WriteLine($"ref long requantization = {DataReference(s.MethodName + "_Requantization", "long")};");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine($"ref sbyte k = ref Unsafe.Add(ref weights, b * {Int(v * blockBytes)});");
                w.WriteLine($"int channel = b * {Int(v * 16)};");
                OpenPixelLoops(w, s, p);
                string Row(int r) => r < rows ? $"Vector128.LoadUnsafe(ref window{(r == 0 ? string.Empty : ", " + Int(r * rowBytes))})" : "Vector128<byte>.Zero";
                w.WriteLine($"Vector512<byte> rows = Vector512.Create(Vector256.Create({Row(0)}, {Row(1)}), Vector256.Create({Row(2)}, {Row(3)}));");
                w.WriteLine(string.Join(", ", Enumerable.Range(0, v).SelectMany(j => new[] { $"m{j}l", $"m{j}h" }).Select((name, n) => (n == 0 ? "Vector256<int> " : string.Empty) + name).ToArray()) + "; // the window's max");
                for (int first = 0; first < p; first += 2)
                {
                    WriteNarrowInputPixels(w, s, first, Math.Min(first + 2, p), v, groups, blockBytes);
                }

                w.WriteLine();
                WriteRequantizeStores512(w, s, v, (i, j) => throw new InvalidOperationException("the narrow-input kernel is used with a fused pool only"), j => $"Vector512.Create(m{j}l, m{j}h)");
                ClosePixelLoops(w);
            }
        }
    }

    /// <summary>Pixels [first, end) of a pool window: their runs, products and the fold into the window's max <c>m*</c>.</summary>
    private static void WriteNarrowInputPixels(SourceWriter w, Int8BlockedConvStep s, int first, int end, int v, int groups, int blockBytes)
    {
        w.WriteLine("{");
        w.Indent();
        for (int i = first; i < end; i++)
        {
            w.WriteLine($"Vector512<int> run{i} = Avx512Vbmi.PermuteVar64x8(rows, Vector512.LoadUnsafe(ref indices, {Int(i * 64)})).AsInt32();");
            w.WriteLine($"Vector256<int> run{i}a = run{i}.GetLower(){(groups > 4 ? $", run{i}b = run{i}.GetUpper()" : string.Empty)};");
            w.WriteLine(string.Join(", ", Enumerable.Range(0, v).SelectMany(j => new[] { $"a{i}_{j}l", $"a{i}_{j}h" }).Select((name, n) => (n == 0 ? "Vector256<int> " : string.Empty) + name + " = Vector256<int>.Zero").ToArray()) + ";");
        }

        string product = ByteProduct(s);
        for (int g = 0; g < groups; g++)
        {
            w.WriteLine($"// group {Int(g)}: window bytes {Int(4 * g)}-{Int(4 * g + 3)}");
            for (int j = 0; j < v; j++)
            {
                int at = (j * blockBytes) + (g * 64);
                w.WriteLine($"Vector256<sbyte> w{j}l{g} = Vector256.LoadUnsafe(ref k, {Int(at)}), w{j}h{g} = Vector256.LoadUnsafe(ref k, {Int(at + 32)});");
            }

            for (int i = first; i < end; i++)
            {
                w.WriteLine($"Vector256<byte> u{i}g{g} = Avx2.Shuffle(run{i}{(g < 4 ? "a" : "b")}, {Int(0x55 * (g % 4))}).AsByte();");
                for (int j = 0; j < v; j++)
                {
                    w.WriteLine($"a{i}_{j}l = {product}(a{i}_{j}l, u{i}g{g}, w{j}l{g}); a{i}_{j}h = {product}(a{i}_{j}h, u{i}g{g}, w{j}h{g});");
                }
            }
        }

        for (int j = 0; j < v; j++)
        {
            foreach (string half in new[] { "l", "h" })
            {
                string max = $"a{first}_{j}{half}";
                for (int i = first + 1; i < end; i++)
                {
                    max = $"Avx2.Max({max}, a{i}_{j}{half})";
                }

                w.WriteLine(first == 0 ? $"m{j}{half} = {max};" : $"m{j}{half} = Avx2.Max(m{j}{half}, {max});");
            }
        }

        w.Unindent();
        w.WriteLine("}");
    }
}

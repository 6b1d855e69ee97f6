using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The blocked convolution's AVX2 kernel for a layer with few input channels (<see cref="NarrowInputConv.AppliesAvx2"/>).</summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>
    /// Per pixel: its kernel rows loaded as 16 bytes in both 128-bit lanes (vbroadcasti128), the window's run of
    /// ceil(K/4) groups built in two 16-byte halves by vpshufb (one shuffle per row with bytes in the half, OR-ed), each
    /// group broadcast by one in-lane vpshufd into the u8 x s8 products with the block's two weight vectors, fully
    /// unrolled; the accumulators start at the bias. A 3x3x3 window is 7 groups instead of the row-wise layout's 9, and
    /// no 4-byte load per group. Each pixel is requantized (RequantizeStoreNarrow256 with the narrow table, else the
    /// staged scalar form) right after its products, or, with a fused pool, folded into the window's max first, so that
    /// only one pixel's vectors are live at a time (2 accumulators, 2 run halves, the broadcast and the products).
    /// </summary>
    private static void WriteNarrowInputAvx2(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        var (_, columns) = Steps(s);
        int pixels = s.Pool is null ? Math.Min(2, columns) : PixelOffsets(s).Length;
        var offsets = PixelOffsets(s, pixels);
        int groups = NarrowInputConv.GroupsFor(s), blockBytes = NarrowInputConv.BlockBytes(s), blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        bool narrow = NarrowRequantization.Applies(s.Requantization);
        w.WriteLine();
        w.WriteLine($"/// <summary>AVX2 for {Int(c.Channels)} input channels: {(s.Pool is null ? $"{Int(pixels)} pixels" : $"the {Int(pixels)} pixels of a pool window")} x 16 channels per step, "
            + $"each pixel's {Int(c.KernelHeight * c.KernelWidth * c.Channels)}-byte window one run of {Int(groups)} groups of 4 bytes (vpshufb from its {Int(c.KernelHeight)} rows, vpshufd per group); {PairProducts(s)}.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {NarrowName(s)}_Avx2(ref byte padded, ref sbyte output, int start, int end)"))
        {
            w.WriteLine($"ref sbyte weights = {DataReference(NarrowName(s) + "_Weights", "sbyte")};");
            w.WriteLine($"ref byte shuffles = {DataReference(NarrowName(s) + "_Shuffles", "byte")};");
            w.WriteLine($"ref int bias = ref MemoryMarshal.GetReference({s.MethodName}_Bias);");
            if (narrow)
            {
                w.WriteLine($"ref long requantization = {DataReference(s.MethodName + "_Requantization", "long")};");
            }
            else
            {
                w.WriteLine($"ref int multipliers = ref MemoryMarshal.GetReference({s.MethodName}_Multipliers);");
                w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
                w.WriteLine("Span<int> stagedSpan = stackalloc int[16]; // some shift is outside [32, 54]: the scalar requantization of RequantizeStaged");
                w.WriteLine("ref int staged = ref MemoryMarshal.GetReference(stagedSpan);");
            }

            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine($"ref sbyte k = ref Unsafe.Add(ref weights, b * {Int(blockBytes)});");
                w.WriteLine("int channel = b * 16;");
                w.WriteLine("Vector256<int> bias0 = Vector256.LoadUnsafe(ref bias, (nuint)channel), bias1 = Vector256.LoadUnsafe(ref bias, (nuint)(channel + 8));");
                if (narrow)
                {
                    w.WriteLine($"ref long table = ref Unsafe.Add(ref requantization, channel * {Int(NarrowRequantization.LongsPerChannel)});");
                    w.WriteLine("Vector256<int> shifts0 = NarrowShifts256(ref table), shifts1 = NarrowShifts256(ref Unsafe.Add(ref table, 4));");
                }

                OpenPixelLoops(w, s, pixels);
                if (s.Pool is not null)
                {
                    w.WriteLine("Vector256<int> max0, max1; // the window's max");
                }

                for (int i = 0; i < pixels; i++)
                {
                    WriteNarrowInputAvx2Pixel(w, s, i, offsets[i], groups);
                    if (s.Pool is null)
                    {
                        WriteNarrowInputAvx2Store(w, s, narrow, "low", "high", OutputIndex(s, i));
                    }
                    else
                    {
                        w.WriteLine(i == 0 ? "max0 = low;" : "max0 = Avx2.Max(max0, low);");
                        w.WriteLine(i == 0 ? "max1 = high;" : "max1 = Avx2.Max(max1, high);");
                    }

                    w.Unindent();
                    w.WriteLine("}");
                }

                if (s.Pool is not null)
                {
                    WriteNarrowInputAvx2Store(w, s, narrow, "max0", "max1", OutputIndex(s, 0));
                }

                ClosePixelLoops(w);
            }
        }
    }

    /// <summary>
    /// Opens pixel <paramref name="i"/>'s block (the caller closes it) and writes its run and products into <c>low</c>
    /// and <c>high</c>, channels 0-7 and 8-15 of the block.
    /// </summary>
    private static void WriteNarrowInputAvx2Pixel(SourceWriter w, Int8BlockedConvStep s, int i, int offset, int groups)
    {
        var c = s.Conv;
        int rowBytes = s.PaddedWidth * c.Channels, back = NarrowInputConv.LastRowBack(s);
        var shuffles = NarrowInputConv.Avx2Shuffles(s);
        int halves = shuffles.Max(pair => pair.Half) + 1;
        w.WriteLine($"{{ // pixel {Int(i)}: its rows, the run's halves (bytes 0-15, 16-31) in both 128-bit lanes, the products");
        w.Indent();
        var rows = new List<string>();
        for (int ky = 0; ky < c.KernelHeight; ky++)
        {
            int at = offset + (ky * rowBytes) - (ky == c.KernelHeight - 1 ? back : 0);
            rows.Add($"r{ky} = Vector256.Create(Vector128.LoadUnsafe(ref window{(at == 0 ? string.Empty : $", {Int(at)}")}))");
        }

        w.WriteLine($"Vector256<byte> {string.Join(", ", rows.ToArray())};");
        for (int half = 0; half < halves; half++)
        {
            string run = string.Empty;
            for (int n = 0; n < shuffles.Count; n++)
            {
                if (shuffles[n].Half == half)
                {
                    string shuffle = $"Avx2.Shuffle(r{shuffles[n].Row}, Vector256.LoadUnsafe(ref shuffles{(n == 0 ? string.Empty : $", {Int(n * 32)}")}))";
                    run = run.Length == 0 ? shuffle : $"Avx2.Or({run}, {shuffle})";
                }
            }

            string name = half == 0 ? "runA" : "runB";
            if (s.Layout.FullRangeWeights)
            {
                w.WriteLine($"Vector256<byte> {name} = {run};");
                w.WriteLine($"Vector256<int> {name}High = HighBits({name}).AsInt32(), {name}Low = LowBit({name}).AsInt32(); // u = 2h + l, halved once per run");
            }
            else
            {
                w.WriteLine($"Vector256<int> {name} = {run}.AsInt32();");
            }
        }

        w.WriteLine("Vector256<int> low = bias0, high = bias1;");
        for (int g = 0; g < groups; g++)
        {
            string run = g < 4 ? "runA" : "runB";
            int imm = 0x55 * (g % 4);
            string weightsLow = $"Vector256.LoadUnsafe(ref k{(g == 0 ? string.Empty : $", {Int(g * 64)}")})", weightsHigh = $"Vector256.LoadUnsafe(ref k, {Int((g * 64) + 32)})";
            if (s.Layout.FullRangeWeights)
            {
                w.WriteLine($"Vector256<byte> h{g} = Avx2.Shuffle({run}High, {Int(imm)}).AsByte(), l{g} = Avx2.Shuffle({run}Low, {Int(imm)}).AsByte(); // run bytes {Int(4 * g)}-{Int(4 * g + 3)}");
                w.WriteLine($"low = MultiplyAddHalves(low, h{g}, l{g}, {weightsLow}); high = MultiplyAddHalves(high, h{g}, l{g}, {weightsHigh});");
            }
            else
            {
                w.WriteLine($"Vector256<byte> u{g} = Avx2.Shuffle({run}, {Int(imm)}).AsByte(); // run bytes {Int(4 * g)}-{Int(4 * g + 3)}");
                w.WriteLine($"low = MultiplyAddBytes(low, u{g}, {weightsLow}); high = MultiplyAddBytes(high, u{g}, {weightsHigh});");
            }
        }
    }

    /// <summary>The requantization and store of the 16 channels <paramref name="low"/> and <paramref name="high"/> (bias included) at <paramref name="index"/> + channel.</summary>
    private static void WriteNarrowInputAvx2Store(SourceWriter w, Int8BlockedConvStep s, bool narrow, string low, string high, string index)
    {
        string rounding = RoundingType(s.Requantization.Rounding);
        string target = $"ref Unsafe.Add(ref output, {index} + channel)";
        if (narrow)
        {
            w.WriteLine($"RequantizeStoreNarrow256<{rounding}>({low}, {high}, ref table, shifts0, shifts1, {Int(s.Min)}, {Int(s.Max)}, {target}, {Count(s, "channel")});");
            return;
        }

        w.WriteLine($"{low}.StoreUnsafe(ref staged);");
        w.WriteLine($"{high}.StoreUnsafe(ref staged, 8);");
        w.WriteLine($"RequantizeStaged<{rounding}>(ref staged, ref Unsafe.Add(ref multipliers, channel), ref Unsafe.Add(ref shifts, channel), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}, {target}, {Count(s, "channel")});");
    }
}

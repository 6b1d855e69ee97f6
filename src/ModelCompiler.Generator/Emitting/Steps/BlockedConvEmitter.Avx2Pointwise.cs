using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>
/// The AVX2 kernel of a pointwise (1x1, stride 1, unpadded) layer with 8-bit weights: the int8 input widened to int16
/// (q + 128, the uint8 copy's values, which the bias fold expects; the step's body then skips that copy) once per
/// chunk of pixels, so that each vpmaddwd meets a broadcast int16 pair (vpbroadcastd from memory, no vpshufb per
/// pixel and block) and 8 output channels in order (no partial sums, no vphaddd). Against the quarters of
/// <see cref="WriteWidenedAccumulation"/>, the products are the same (one vpmaddwd per 8 channels x 2 input bytes);
/// what goes is the shuffle per broadcast and the join per pixel, and half the accumulators, so a step holds 4 pixels.
/// </summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>
    /// The int16 elements of the widened chunk on the stack (24 KB): with one block's weights it stays in Zen 3's 32 KB
    /// L1 cache while every block reads it. A chunk holds at least a step of pixels.
    /// </summary>
    private const int PointwiseChunkElements = 12 * 1024;

    /// <summary>
    /// The condition under which the step's range runs its AVX2 kernel (no AVX-512 path taken first): then a pointwise
    /// 8-bit step reads its int8 input and the body skips the uint8 copy.
    /// </summary>
    private const string Avx2PointwiseRuns = "vectorBits >= 256 && Avx2.IsSupported && !(vectorBits >= 512 && Avx512BW.IsSupported)";

    /// <summary>Whether the AVX2 step takes <see cref="WriteAvx2Pointwise"/>: 8-bit weights on a pointwise layer.</summary>
    private static bool PointwiseWidened(Int8BlockedConvStep s) => Widened(s) && IsPointwise(s);

    /// <summary>Pixels a step of the pointwise kernel computes: 4 (8 accumulators, 4 weight vectors, a broadcast: 13 ymm), at most a row.</summary>
    private static int PointwisePixels(Int8BlockedConvStep s) => Math.Min(4, s.Conv.OutputWidth);

    /// <summary>The pixels of a widened chunk: as many whole steps as <see cref="PointwiseChunkElements"/> hold, at most the layer's.</summary>
    private static int PointwiseChunkPixels(Int8BlockedConvStep s)
    {
        int p = PointwisePixels(s);
        int pixels = Math.Max(p, PointwiseChunkElements / s.Conv.Channels / p * p);
        return Math.Min(pixels, s.Conv.OutputHeight * s.Conv.OutputWidth);
    }

    private static void WriteAvx2Pointwise(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int p = PointwisePixels(s), chunk = PointwiseChunkPixels(s), k = c.Channels;
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        bool narrow = NarrowRequantization.Applies(s.Requantization);
        bool paired = Paired(s, narrow);
        bool bySign = narrow && RequantizesBySign(s);
        w.WriteLine($"/// <summary>AVX2, pointwise: chunks of up to {Int(chunk)} pixels widened to int16 once, then per block {Int(p)} pixels x 16 channels per step, "
            + $"{Int(2 * p)} accumulators from the bias; 8-bit weights: a broadcast int16 pair of the input against 8 channels' weight pairs (vpmaddwd), "
            + $"the weights widened {(WidenedOnce(s) ? "once" : "as loaded (a large block)")}, exact; "
            + (bySign ? "NarrowRequantizeBySign256 (every multiplier positive: TFLite's correction by the accumulator's sign), StoreNarrowPairInOrder256 (two pixels a pack)."
                : paired ? "NarrowRequantizeShuffled256, StoreNarrowPair256 (two pixels a pack)." : narrow ? "RequantizeStoreNarrow256." : "staged scalar requantization (a shift outside [32, 54]).") + "</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Avx2(ref sbyte input, ref sbyte output, ref int staged, int start, int end)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref {WidenedWeightType(s)} wide = ref MemoryMarshal.GetArrayDataReference({WidenedName(s)}.Weights);");
            w.WriteLine(narrow
                ? $"ref long requantization = {DataReference(s.MethodName + "_Requantization", "long")};"
                : $"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
            w.WriteLine($"// {Int(chunk)} pixels x {Int(k)} channels as int16, and room for the last group's over-read (its weights are 0).");
            w.WriteLine($"Span<short> widened = stackalloc short[{Int((chunk * k) + 4)}];");
            w.WriteLine("ref short chunk = ref MemoryMarshal.GetReference(widened);");
            w.WriteLine($"int last = end * {Int(c.OutputWidth)}; // rows [start, end) of {Int(c.OutputWidth)} pixels as one run");
            using (w.OpenBlock($"for (int first = start * {Int(c.OutputWidth)}; first < last; first += {Int(chunk)})"))
            {
                w.WriteLine($"int count = Math.Min({Int(chunk)}, last - first);");
                using (w.OpenBlock($"if (count < {Int(p)})"))
                {
                    w.WriteLine("// A short last chunk starts earlier (its first pixels are computed twice, alike).");
                    w.WriteLine($"first = last - {Int(p)};");
                    w.WriteLine($"count = {Int(p)};");
                }

                w.WriteLine($"WidenFlipped(ref Unsafe.Add(ref input, first * {Int(k)}), ref chunk, count * {Int(k)});");
                // A last block of at most 8 real channels (HalfLastBlock) leaves out its upper half's products.
                bool half = HalfLastBlock(s);
                using (w.OpenBlock($"for (int b = 0; b < {Int(half ? blocks - 1 : blocks)}; b++)"))
                {
                    WritePointwiseBlock(w, s, p, narrow, paired, bySign, upper: true);
                }

                if (half)
                {
                    using (w.OpenBlock($"// the last block: channels {Int(16 * (blocks - 1))}-{Int(s.OutputChannels - 1)}"))
                    {
                        w.WriteLine($"const int b = {Int(blocks - 1)};");
                        WritePointwiseBlock(w, s, p, narrow, paired, bySign, upper: false);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One 16-channel block <c>b</c> of a chunk: the block's shifts, then its steps of <paramref name="p"/> pixels,
    /// accumulated and requantized; without <paramref name="upper"/> channels 8-15 (all padding) stay at their bias
    /// and are never stored.
    /// </summary>
    private static void WritePointwiseBlock(SourceWriter w, Int8BlockedConvStep s, int p, bool narrow, bool paired, bool bySign, bool upper)
    {
        w.WriteLine($"ref {WidenedWeightType(s)} blockWeights = ref Unsafe.Add(ref wide, b * {Int(s.BlockBytes)});");
        w.WriteLine("int channel = b * 16;");
        if (narrow)
        {
            string shifts = bySign ? "NarrowShiftsLess31" : paired ? "NarrowShiftsShuffled256" : "NarrowShifts256";
            w.WriteLine($"Vector256<int> lowShifts0 = {shifts}(ref Unsafe.Add(ref requantization, {NarrowTable(0)})), "
                + $"highShifts0 = {shifts}(ref Unsafe.Add(ref requantization, {NarrowTable(0)} + 4));");
        }

        using (w.OpenBlock($"for (int n = 0; n < count; n += {Int(p)})"))
        {
            w.WriteLine($"int x0 = n < count - {Int(p)} ? n : count - {Int(p)}; // the chunk's last step overlaps the one before");
            w.WriteLine($"ref short window = ref Unsafe.Add(ref chunk, x0 * {Int(s.Conv.Channels)});");
            WritePointwiseAccumulation(w, s, p, upper);
            Func<int, string> outputIndex = i => $"(first + x0 + {Int(i)}) * {Int(s.OutputChannels)}";
            if (bySign)
            {
                WriteRequantizeStoreBySign256(w, s, 0, p, outputIndex);
            }
            else if (paired)
            {
                WriteRequantizeStorePairs256(w, s, 0, p, outputIndex);
            }
            else
            {
                for (int i = 0; i < p; i++)
                {
                    WriteRequantizeStore256(w, s, narrow, 0, $"a{i}_0", $"a{i}_1", outputIndex(i));
                }
            }
        }
    }

    /// <summary>
    /// The accumulation of one step: per group of 4 input channels the block's four weight vectors (pair 0 of channels
    /// 0-7, of 8-15, pair 1 of 0-7, of 8-15; <c>WidenChannelPairs</c>), and per pixel two broadcast int16 pairs, each
    /// against two of them. Channels 0-7 end in <c>a{i}_0</c>, 8-15 in <c>a{i}_1</c>, in order.
    /// </summary>
    private static void WritePointwiseAccumulation(SourceWriter w, Int8BlockedConvStep s, int p, bool upper)
    {
        int k = s.Conv.Channels;
        for (int i = 0; i < p; i++)
        {
            w.WriteLine($"Vector256<int> a{i}_0 = Vector256.LoadUnsafe(ref bias, (nuint)channel), a{i}_1 = Vector256.LoadUnsafe(ref bias, (nuint)(channel + 8));");
        }

        int unroll = GroupUnroll(s.Groups);
        bool loop = unroll < s.Groups;
        w.WriteLine($"ref {WidenedWeightType(s)} k = ref blockWeights;");
        SourceWriter.Block? groups = loop ? w.OpenBlock($"for (nint r = 0; r < {Int(4 * s.Groups)}; r += {Int(4 * unroll)})") : null;
        for (int g = 0; g < unroll; g++)
        {
            if (unroll > 1)
            {
                w.WriteLine($"{{ // group {(loop ? $"r / 4 + {Int(g)}" : Int(g))}");
                w.Indent();
            }

            for (int v = 0; v < 4; v += upper ? 1 : 2)
            {
                string offset = Int((g * 64) + (16 * v));
                w.WriteLine(WidenedOnce(s)
                    ? $"Vector256<short> w{v} = Vector256.LoadUnsafe(ref k, {offset});"
                    : $"Vector256<short> w{v} = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref k, {offset}));");
            }

            for (int i = 0; i < p; i++)
            {
                for (int pair = 0; pair < 2; pair++)
                {
                    string at = Offset(loop ? "r" : null, (i * k) + (4 * g) + (2 * pair));
                    w.WriteLine($"{(pair == 0 ? "Vector256<short> " : string.Empty)}u{i} = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<short, byte>({Reference("window", at)}))).AsInt16();");
                    w.WriteLine($"a{i}_0 = Avx2.Add(a{i}_0, Avx2.MultiplyAddAdjacent(u{i}, w{2 * pair}));"
                        + (upper ? $" a{i}_1 = Avx2.Add(a{i}_1, Avx2.MultiplyAddAdjacent(u{i}, w{(2 * pair) + 1}));" : string.Empty));
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
        w.WriteLine();
    }
}

using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>
/// The blocked convolution's AVX2 kernel (the widest one on CPUs without AVX-512, such as AMD Zen 3). Each 16-channel
/// block is two 8-lane halves; a step computes <c>P</c> pixels x <c>V</c> blocks, the accumulators starting at the bias,
/// with the groups of a kernel row unrolled (constant weight offsets) as in the AVX-512 kernel. vpmaddubsw and vpmaddwd
/// share two pipes, so every blocking costs the same multiply work; what it changes is the loads and broadcasts per
/// product and the registers: 16 ymm hold <c>2 * V * P</c> accumulators, <c>2 * V</c> weights, the broadcast, the
/// <c>ones</c> (or, for 8-bit weights, the two halves of the broadcast) and a temporary. The step is requantized
/// with <c>RequantizeStoreNarrow256</c> (the same table as the AVX-512 kernel, the shifts built once per block) when
/// every shift allows it, its bytes packed two pixels at a time with 7-bit weights and no pool (<c>StoreNarrowPair256</c>),
/// else through the 16 staged int32 and the scalar <c>RequantizeStaged</c>.
/// </summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>
    /// The AVX2 step's pixels and 16-channel blocks: one block (two ymm) per pixel, and 4 pixels (13 live ymm), else a
    /// fused pool's window. On Zen 3 both multiplies share the same two pipes, so the products cost the same in any
    /// blocking; measured on intel-mobilenet (expand layers K = 16-48, project layers K = 64-192, the head), 2 pixels x
    /// 2 blocks (15 ymm) was no faster (within noise, e.g. b2_expand 66 us against 63, b3_project 27 against 28), so
    /// one rule serves every shape. The 8-bit form holds 4 accumulators per pixel and 4 widened weight vectors: 2
    /// pixels (14 ymm). Never more pixels than a row (pointwise: than one row of the run) holds.
    /// </summary>
    private static (int Pixels, int Vectors) Avx2Shape(Int8BlockedConvStep s) =>
        s.Pool is not null ? (s.Pixels, 1) : (Math.Min(Widened(s) ? 2 : 4, s.Conv.OutputWidth), 1);

    private static void WriteAvx2(SourceWriter w, Int8BlockedConvStep s)
    {
        if (PointwiseWidened(s))
        {
            WriteAvx2Pointwise(w, s);
            return;
        }

        var (p, v) = Avx2Shape(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes / v;
        bool narrow = NarrowRequantization.Applies(s.Requantization);
        bool flat = IsPointwise(s);
        bool widened = Widened(s);
        bool paired = Paired(s, narrow);
        bool bySign = widened && narrow && RequantizesBySign(s);
        w.WriteLine($"/// <summary>AVX2: {Int(p)} pixels x {Int(v * 16)} channels per step, "
            + (widened ? $"{Int(p * 4)} accumulators of 4 channels x 2 partial sums from the bias; 8-bit weights: int16 pairs (vpmaddwd) with the weights widened {(WidenedOnce(s) ? "once" : "as loaded (a large block)")}, exact" : $"{Int(p * v * 2)} 8-lane accumulators from the bias; {PairProducts(s)}") + "; "
            + (bySign ? "NarrowRequantizeBySign256 (every multiplier positive: TFLite's correction by the accumulator's sign), StoreNarrowPairInOrder256 (two pixels a pack)."
                : paired ? "NarrowRequantizeShuffled256, StoreNarrowPair256 (two pixels a pack)." : narrow ? "RequantizeStoreNarrow256." : "staged scalar requantization (a shift outside [32, 54]).") + "</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Avx2(ref byte padded, ref sbyte output, ref int staged, int start, int end)"))
        {
            WriteConstantsReferences(w, s);
            if (widened)
            {
                w.WriteLine($"ref {WidenedWeightType(s)} wide = ref MemoryMarshal.GetArrayDataReference({WidenedName(s)}.Weights);");
                w.WriteLine($"ref int quarterBias = ref MemoryMarshal.GetArrayDataReference({WidenedName(s)}.Bias);");
            }

            w.WriteLine(narrow
                ? $"ref long requantization = {DataReference(s.MethodName + "_Requantization", "long")};"
                : $"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
            if (!s.Layout.FullRangeWeights)
            {
                w.WriteLine("Vector256<short> ones = Vector256.Create((short)1);");
            }

            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine(widened
                    ? $"ref {WidenedWeightType(s)} blockWeights = ref Unsafe.Add(ref wide, b * {Int(v * s.BlockBytes)});"
                    : $"ref sbyte blockWeights = ref Unsafe.Add(ref weights, b * {Int(v * s.BlockBytes)});");
                w.WriteLine($"int channel = b * {Int(v * 16)};");
                if (narrow)
                {
                    for (int j = 0; j < v; j++)
                    {
                        string table = NarrowTable(j);
                        string shifts = bySign ? "NarrowShiftsLess31" : paired ? "NarrowShiftsShuffled256" : "NarrowShifts256";
                        w.WriteLine($"Vector256<int> lowShifts{j} = {shifts}(ref Unsafe.Add(ref requantization, {table})), "
                            + $"highShifts{j} = {shifts}(ref Unsafe.Add(ref requantization, {table} + 4));");
                    }
                }

                if (flat)
                {
                    OpenPointwiseLoop(w, s, p);
                }
                else
                {
                    OpenPixelLoops(w, s, p);
                }

                if (widened)
                {
                    WriteWidenedAccumulation(w, s, p);
                }
                else
                {
                    for (int i = 0; i < p; i++)
                    {
                        w.WriteLine("Vector256<int> " + string.Join(", ", Enumerable.Range(0, 2 * v).Select(h => $"a{i}_{h} = Vector256.LoadUnsafe(ref bias, (nuint)({Channel(h / 2, 8 * (h % 2))}))").ToArray()) + ";");
                    }

                    WriteKernelLoops(w, s, p, 2 * v, "Vector256",
                        (h, offset) => $"Vector256<sbyte> w{h} = Vector256.LoadUnsafe(ref k{(offset.Length == 0 ? string.Empty : $", {offset}")});",
                        (i, h) => Accumulate256(s, i, h),
                        vectorOffset: h => ((h / 2) * s.BlockBytes) + (32 * (h % 2)));
                    w.WriteLine();
                }

                Func<int, string> outputIndex = flat ? i => $"(x0 + {Int(i)}) * {Int(s.OutputChannels)}" : i => OutputIndex(s, i);
                for (int j = 0; j < v; j++)
                {
                    if (s.Pool is not null)
                    {
                        string low = $"a0_{2 * j}", high = $"a0_{(2 * j) + 1}";
                        for (int i = 1; i < p; i++)
                        {
                            low = $"Avx2.Max({low}, a{i}_{2 * j})";
                            high = $"Avx2.Max({high}, a{i}_{(2 * j) + 1})";
                        }

                        WriteRequantizeStore256(w, s, narrow, j, low, high, OutputIndex(s, 0));
                    }
                    else if (bySign)
                    {
                        WriteRequantizeStoreBySign256(w, s, j, p, outputIndex);
                    }
                    else if (paired)
                    {
                        WriteRequantizeStorePairs256(w, s, j, p, outputIndex);
                    }
                    else
                    {
                        for (int i = 0; i < p; i++)
                        {
                            WriteRequantizeStore256(w, s, narrow, j, $"a{i}_{2 * j}", $"a{i}_{(2 * j) + 1}", outputIndex(i));
                        }
                    }
                }

                if (flat)
                {
                    w.Unindent();
                    w.WriteLine("}");
                }
                else
                {
                    ClosePixelLoops(w);
                }
            }
        }
    }

    /// <summary>The index of block <paramref name="j"/>'s first entry in the narrow requantization table.</summary>
    private static string NarrowTable(int j) => j == 0
        ? $"channel * {Int(NarrowRequantization.LongsPerChannel)}"
        : $"({Channel(j)}) * {Int(NarrowRequantization.LongsPerChannel)}";

    /// <summary>The requantization and store of block <paramref name="j"/>'s two biased halves to the pixel at <paramref name="outputIndex"/>.</summary>
    private static void WriteRequantizeStore256(SourceWriter w, Int8BlockedConvStep s, bool narrow, int j, string low, string high, string outputIndex)
    {
        string ch = Channel(j);
        string rounding = RoundingType(s.Requantization.Rounding);
        string target = $"ref Unsafe.Add(ref output, {outputIndex} + {ch}), {Count(s, ch)}";
        if (narrow)
        {
            w.WriteLine($"RequantizeStoreNarrow256<{rounding}>({low}, {high}, ref Unsafe.Add(ref requantization, {NarrowTable(j)}), "
                + $"lowShifts{j}, highShifts{j}, {Int(s.Min)}, {Int(s.Max)}, {target});");
            return;
        }

        w.WriteLine($"{low}.StoreUnsafe(ref staged);");
        w.WriteLine($"{high}.StoreUnsafe(ref staged, 8);");
        w.WriteLine($"RequantizeStaged<{rounding}>(ref staged, ref Unsafe.Add(ref multipliers, {ch}), ref Unsafe.Add(ref shifts, {ch}), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}, {target});");
    }

    /// <summary>
    /// Whether the step's pixels are packed two at a time (StoreNarrowPair256: one pack and two shuffles for both
    /// pixels' 32 bytes, the even and odd sums joined by one vshufps): every narrow step without a fused pool (a pool
    /// requantizes one window).
    /// </summary>
    private static bool Paired(Int8BlockedConvStep s, bool narrow) => narrow && s.Pool is null;

    /// <summary>
    /// The requantization and stores of block <paramref name="j"/> of the step's <paramref name="pixels"/>: every pixel's
    /// low half, then every high half (NarrowRequantizeShuffled256; the JIT keeps one half's four table vectors in
    /// registers for all pixels, with the accumulators, and no more: both halves' would spill), then the bytes two
    /// pixels at a time (StoreNarrowPair256), an odd last pixel alone (StoreNarrowShuffled256).
    /// </summary>
    private static void WriteRequantizeStorePairs256(SourceWriter w, Int8BlockedConvStep s, int j, int pixels, Func<int, string> outputIndex)
    {
        string ch = Channel(j);
        string rounding = RoundingType(s.Requantization.Rounding);
        w.WriteLine("// Every pixel's low half, then every high half: one half's table in registers at a time; lanes in the order 0, 2, 1, 3 of each 4 channels.");
        w.WriteLine($"ref long table{j} = ref Unsafe.Add(ref requantization, {NarrowTable(j)});");
        for (int h = 0; h < 2; h++)
        {
            string half = h == 0 ? $"ref table{j}, lowShifts{j}" : $"ref Unsafe.Add(ref table{j}, 4), highShifts{j}";
            for (int i = 0; i < pixels; i++)
            {
                w.WriteLine($"Vector256<int> y{i}_{(2 * j) + h} = NarrowRequantizeShuffled256<{rounding}>(a{i}_{(2 * j) + h}, {half});");
            }
        }

        string Target(int i) => $"ref Unsafe.Add(ref output, {outputIndex(i)} + {ch})";
        for (int i = 0; i < pixels; i += 2)
        {
            w.WriteLine(i + 1 < pixels
                ? $"StoreNarrowPair256(y{i}_{2 * j}, y{i}_{(2 * j) + 1}, y{i + 1}_{2 * j}, y{i + 1}_{(2 * j) + 1}, {Int(s.Min)}, {Int(s.Max)}, {Target(i)}, {Target(i + 1)}, {Count(s, ch)});"
                : $"StoreNarrowShuffled256(y{i}_{2 * j}, y{i}_{(2 * j) + 1}, {Int(s.Min)}, {Int(s.Max)}, {Target(i)}, {Count(s, ch)});");
        }
    }

    /// <summary>
    /// Whether the step takes the int16 form for 8-bit weights (WidenPairs, vpmaddwd): every full-range layer without a
    /// fused pool (whose window of pixels would need twice the accumulators; it keeps the halved input).
    /// </summary>
    private static bool Widened(Int8BlockedConvStep s) => s.Layout.FullRangeWeights && s.Pool is null;
}

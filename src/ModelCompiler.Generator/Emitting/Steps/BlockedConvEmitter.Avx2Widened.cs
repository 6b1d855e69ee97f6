using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>
/// The AVX2 kernel's pieces for 8-bit weights (<see cref="Widened"/>): the int16 weights and quartered bias made once,
/// the vpmaddwd accumulation, and TFLite's requantization by the accumulator's sign.
/// </summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>
    /// Whether the 8-bit AVX2 step may requantize by the accumulator's sign (<c>NarrowRequantizeBySign256</c>): TFLite's
    /// rule in the narrow form, every real channel's multiplier positive (its product is negative exactly where its
    /// accumulator is), and <c>|acc| * m + |term| &lt; 2^61</c> for the largest accumulator the weights and bias allow,
    /// <c>|bias| + 255 * sum |w|</c> (so that the sum's bits 31-62 hold it whole, with room to spare).
    /// </summary>
    private static bool RequantizesBySign(Int8BlockedConvStep s)
    {
        var r = s.Requantization;
        if (r.Rounding != Rounding.Tflite || !NarrowRequantization.Applies(r))
        {
            return false;
        }

        var weights = s.Weights.AsArray();
        var sumAbs = new long[s.PaddedOutputChannels];
        for (int i = 0; i < weights.Length; i++)
        {
            sumAbs[((i / s.BlockBytes) * WeightPacking.Lanes) + ((i / 4) % WeightPacking.Lanes)] += Math.Abs((int)(sbyte)weights[i]);
        }

        for (int c = 0; c < r.Shifts.Count; c++)
        {
            double largest = Math.Abs((double)r.Bias[c]) + (255.0 * sumAbs[c]);
            double term = Math.Pow(2, r.Shifts[c] - 1) + Math.Pow(2, 30) + (Math.Abs((double)r.ZeroPoint) * Math.Pow(2, r.Shifts[c]));
            if (r.Multipliers[c] <= 0 || (largest * r.Multipliers[c]) + term >= Math.Pow(2, 61))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The requantization and stores of block <paramref name="j"/> of the step's <paramref name="pixels"/> by the
    /// accumulators' signs: every pixel's two halves in channel order, then the bytes two pixels at a time (an odd last
    /// pixel packed with itself).
    /// </summary>
    private static void WriteRequantizeStoreBySign256(SourceWriter w, Int8BlockedConvStep s, int j, int pixels, Func<int, string> outputIndex)
    {
        string ch = Channel(j);
        w.WriteLine($"ref long table{j} = ref Unsafe.Add(ref requantization, {NarrowTable(j)});");
        for (int i = 0; i < pixels; i++)
        {
            w.WriteLine($"Vector256<int> y{i}_{2 * j} = NarrowRequantizeBySign256(a{i}_{2 * j}, ref table{j}, lowShifts{j}), "
                + $"y{i}_{(2 * j) + 1} = NarrowRequantizeBySign256(a{i}_{(2 * j) + 1}, ref Unsafe.Add(ref table{j}, 4), highShifts{j});");
        }

        string Target(int i) => $"ref Unsafe.Add(ref output, {outputIndex(i)} + {ch})";
        for (int i = 0; i < pixels; i += 2)
        {
            int b = i + 1 < pixels ? i + 1 : i;
            w.WriteLine($"StoreNarrowPairInOrder256(y{i}_{2 * j}, y{i}_{(2 * j) + 1}, y{b}_{2 * j}, y{b}_{(2 * j) + 1}, {Int(s.Min)}, {Int(s.Max)}, {Target(i)}, {Target(b)}, {Count(s, ch)});");
        }
    }

    /// <summary>
    /// The int16 accumulation of a full-range step of one block: the weights widened once (<see cref="WriteWidenedData"/>),
    /// per group four quarters of 4 channels x 4 int16, each pixel's 4 input bytes as int16 pairs, one vpmaddwd per
    /// quarter into accumulators that start at the quartered bias; then one vphaddd per pair of quarters leaves each
    /// pixel's channels 0-7 in <c>a{i}_0</c> and 8-15 in <c>a{i}_1</c> (the names the requantization reads).
    /// </summary>
    private static void WriteWidenedAccumulation(SourceWriter w, Int8BlockedConvStep s, int p)
    {
        for (int i = 0; i < p; i++)
        {
            w.WriteLine("Vector256<int> " + string.Join(", ", Enumerable.Range(0, 4).Select(q => $"a{i}_{q} = Vector256.LoadUnsafe(ref quarterBias, (nuint)(channel * 2{(q == 0 ? string.Empty : $" + {Int(8 * q)}")}))").ToArray()) + ";");
        }

        WriteKernelLoops(w, s, p, 4, "Vector256",
            (q, offset) => WidenedOnce(s)
                ? $"Vector256<short> w{q} = Vector256.LoadUnsafe(ref k{(offset.Length == 0 ? string.Empty : $", {offset}")});"
                : $"Vector256<short> w{q} = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref k{(offset.Length == 0 ? string.Empty : $", {offset}")}));",
            (i, q) => (q == 0 ? $"Vector256<short> pairs{i} = WidenPairs(u{i});\n" : string.Empty) + $"a{i}_{q} = Avx2.Add(a{i}_{q}, Avx2.MultiplyAddAdjacent(pairs{i}, w{q}));",
            vectorOffset: q => 16 * q,
            weightType: WidenedWeightType(s));
        w.WriteLine();
        for (int i = 0; i < p; i++)
        {
            w.WriteLine($"a{i}_0 = Avx2.HorizontalAdd(a{i}_0, a{i}_1);");
            w.WriteLine($"a{i}_1 = Avx2.HorizontalAdd(a{i}_2, a{i}_3);");
        }
    }

    private static string WidenedName(Int8BlockedConvStep s) => s.MethodName + "_Widened";

    /// <summary>
    /// The most bytes one 16-channel block's weights may take as int16 for the kernel to read them so: every step reads
    /// its block's weights again, and measured on MobileNetV2 the layers with larger blocks (K = 320-960, 7x7 and 14x14)
    /// were slower reading twice the bytes than widening each quarter as they load it (vpmovsxbw).
    /// </summary>
    private const int WidenedBlockBytes = 8 * 1024;

    /// <summary>Whether the kernel reads int16 weights made once, else the same order as bytes widened as loaded.</summary>
    private static bool WidenedOnce(Int8BlockedConvStep s) => s.BlockBytes * 2 <= WidenedBlockBytes;

    /// <summary>The element type of the AVX2 8-bit kernel's weights (<see cref="WidenedOnce"/>).</summary>
    private static string WidenedWeightType(Int8BlockedConvStep s) => WidenedOnce(s) ? "short" : "sbyte";

    /// <summary>The int16 weights and the quartered bias of the AVX2 8-bit kernel, made once when it first runs.</summary>
    private static void WriteWidenedData(SourceWriter w, Int8BlockedConvStep s)
    {
        if (!Widened(s))
        {
            return;
        }

        if (PointwiseWidened(s))
        {
            w.WriteLine(WidenedOnce(s)
                ? "/// <summary>The AVX2 pointwise kernel's weights widened to int16 per group of 4 input channels as 4 vectors of 8 channels' pairs (pair 0 of channels 0-7, of 8-15, pair 1 of 0-7, of 8-15), once, when first used (the embedded data stays 1 byte a weight).</summary>"
                : "/// <summary>The AVX2 pointwise kernel's weights per group of 4 input channels as 4 vectors of 8 channels' pairs (pair 0 of channels 0-7, of 8-15, pair 1 of 0-7, of 8-15), still bytes (a large block: widened as loaded), once, when first used.</summary>");
            using (w.OpenBlock($"private static class {WidenedName(s)}"))
            {
                w.WriteLine(WidenedOnce(s)
                    ? $"internal static readonly short[] Weights = WidenChannelPairs({s.MethodName}_Weights, {Int(s.Weights.Count)});"
                    : $"internal static readonly sbyte[] Weights = ReorderChannelPairs({s.MethodName}_Weights, {Int(s.Weights.Count)});");
            }

            w.WriteLine();
            return;
        }

        w.WriteLine(WidenedOnce(s)
            ? "/// <summary>The AVX2 kernel's weights widened to int16 in quarters of 4 channels (0 1 4 5 | 2 3 6 7 | ...) and its bias laid out as the quarters' accumulators start, once, when first used (the embedded data stays 1 byte a weight).</summary>"
            : "/// <summary>The AVX2 kernel's weights in quarters of 4 channels (0 1 4 5 | 2 3 6 7 | ...), still bytes (a large block: widened as loaded), and its bias laid out as the quarters' accumulators start, once, when first used.</summary>");
        using (w.OpenBlock($"private static class {WidenedName(s)}"))
        {
            w.WriteLine(WidenedOnce(s)
                ? $"internal static readonly short[] Weights = WidenBlockedPairs({s.MethodName}_Weights, {Int(s.Weights.Count)});"
                : $"internal static readonly sbyte[] Weights = ReorderBlockedQuarters({s.MethodName}_Weights, {Int(s.Weights.Count)});");
            w.WriteLine($"internal static readonly int[] Bias = QuarterBias({s.MethodName}_Bias, {Int(s.PaddedOutputChannels)});");
        }

        w.WriteLine();
    }
}

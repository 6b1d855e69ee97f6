using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The blocked convolution's AVX-512 kernel whose inner product is vpdpbusd (MultiplyAddBytes).</summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>
    /// One vpdpbusd per 8 lanes x 4 bytes instead of the three instructions of the AVX-512BW kernel. .NET 10 has the
    /// instruction only at 256 bits (AvxVnni), so each 16-channel accumulator is two 8-lane halves (the halves of the
    /// packed weights' 64-byte rows), and the JIT keeps vpdpbusd's accumulator in ymm0-15: the step's shape is its own
    /// (<see cref="BlockedConvLowering.VnniShape"/>, at most 14 accumulators), not the AVX-512BW kernel's. The
    /// accumulators start at the bias; each pair of halves is joined (one insert) for the 512-bit requantization.
    /// When a step holds all the channels and the last block has at most 8 real ones (24 or 40 filters), that block
    /// has no upper half: its products would all be thrown away.
    /// </summary>
    private static void WriteAvx512Vnni(SourceWriter w, Int8BlockedConvStep s)
    {
        var (p, v) = VnniShape(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes / v;
        bool half = HalfLastBlock(s) && blocks == 1;
        bool Whole(int j) => !half || j < v - 1;
        w.WriteLine($"/// <summary>AVX-512 with vpdpbusd (MultiplyAddBytes; emulated without AVX-VNNI): {Int(p)} pixels x {Int(v * 16)} channels per step, {Int(p * ((2 * v) - (half ? 1 : 0)))} 8-lane accumulators{(half ? " (the last 8 channels are padding: no accumulator)" : string.Empty)}; u8 x s8 quadruples summed into int32.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Avx512Vnni(ref byte padded, ref sbyte output, int start, int end)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref long requantization = {DataReference(s.MethodName + "_Requantization", "long")};");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine($"ref sbyte blockWeights = ref Unsafe.Add(ref weights, b * {Int(v * s.BlockBytes)});");
                w.WriteLine($"int channel = b * {Int(v * 16)};");
                bool flat = IsPointwise(s);
                if (flat)
                {
                    OpenPointwiseLoop(w, s, p);
                }
                else
                {
                    OpenPixelLoops(w, s, p);
                }

                for (int i = 0; i < p; i++)
                {
                    w.WriteLine("Vector256<int> " + string.Join(", ", Enumerable.Range(0, v).SelectMany(j => Whole(j)
                        ? new[] { $"a{i}_{j}l = Vector256.LoadUnsafe(ref bias, (nuint)({Channel(j)}))", $"a{i}_{j}h = Vector256.LoadUnsafe(ref bias, (nuint)({Channel(j, 8)}))" }
                        : new[] { $"a{i}_{j}l = Vector256.LoadUnsafe(ref bias, (nuint)({Channel(j)}))" }).ToArray()) + ";");
                }

                WriteKernelLoops(w, s, p, v, "Vector256",
                    (j, offset) => $"Vector256<sbyte> w{j}l = Vector256.LoadUnsafe(ref k{(offset.Length == 0 ? string.Empty : $", {offset}")})"
                        + (Whole(j) ? $", w{j}h = Vector256.LoadUnsafe(ref k, {(offset.Length == 0 ? "32" : $"{offset} + 32")});" : ";"),
                    (i, j) => $"a{i}_{j}l = {ByteProduct(s)}(a{i}_{j}l, u{i}, w{j}l);" + (Whole(j) ? $" a{i}_{j}h = {ByteProduct(s)}(a{i}_{j}h, u{i}, w{j}h);" : string.Empty));
                w.WriteLine();
                WriteRequantizeStores512(w, s, v, (i, j) => Whole(j) ? Join($"a{i}_{j}l", $"a{i}_{j}h") : $"a{i}_{j}l.ToVector512Unsafe()", biased: true, pixels: p, outputIndex: flat ? i => $"(x0 + {Int(i)}) * {Int(s.OutputChannels)}" : null, pooled: j =>
                {
                    string low = $"a0_{j}l", high = $"a0_{j}h";
                    for (int i = 1; i < p; i++)
                    {
                        low = $"Avx2.Max({low}, a{i}_{j}l)";
                        high = $"Avx2.Max({high}, a{i}_{j}h)";
                    }

                    return Join(low, high);
                });
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

    /// <summary>
    /// The VNNI kernel's pixels and 16-channel vectors per step for this layer. A pointwise layer's steps run along
    /// its whole output (no row ends to waste products on), at most one row's pixels per step so that a thread's range
    /// of rows always holds a step.
    /// </summary>
    private static (int Pixels, int Vectors) VnniShape(Int8BlockedConvStep s) => BlockedConvLowering.VnniShape(
        s.PaddedOutputChannels / WeightPacking.Lanes,
        IsPointwise(s) ? s.Conv.OutputHeight * s.Conv.OutputWidth : Steps(s).Columns,
        s.Conv.KernelHeight * s.Groups,
        s.Pool is null ? null : s.Pixels,
        BlockedConvLowering.VectorsFor(s.PaddedOutputChannels / WeightPacking.Lanes, s.Pixels, registersPerVector: 2),
        maxPixels: s.Conv.OutputWidth,
        halfLastBlock: HalfLastBlock(s));

    /// <summary>
    /// Whether the last 16-channel block holds at most 8 real channels, so that an unfused step over all the blocks
    /// can leave out its upper half (the padded lanes are never stored: RequantizeStore's count stops before them).
    /// </summary>
    private static bool HalfLastBlock(Int8BlockedConvStep s) => s.Pool is null && s.OutputChannels % WeightPacking.Lanes is > 0 and <= 8;

    /// <summary>
    /// A 1x1 convolution of stride 1 without padding or fused pool: output pixel n's window is input pixel n, the
    /// <c>Cin</c> bytes at n * Cin of the uint8 copy, so the rows' pixels are one run (BlockedConvLowering.IsPointwise).
    /// </summary>
    private static bool IsPointwise(Int8BlockedConvStep s) => s.Pool is null && BlockedConvLowering.IsPointwise(s.Conv);

    /// <summary>
    /// Opens the pointwise kernel's loop over the pixels of rows [start, end) as one run, <paramref name="pixels"/> at a
    /// time, and sets <c>x0</c> (the step's first pixel) and <c>window</c>; the range's last step overlaps the one
    /// before instead of each row's.
    /// </summary>
    private static void OpenPointwiseLoop(SourceWriter w, Int8BlockedConvStep s, int pixels)
    {
        var c = s.Conv;
        w.WriteLine($"int last = end * {Int(c.OutputWidth)}; // rows [start, end) of {Int(c.OutputWidth)} pixels as one run");
        w.WriteLine($"for (int n = start * {Int(c.OutputWidth)}; n < last; n += {Int(pixels)})");
        w.WriteLine("{");
        w.Indent();
        if (pixels > 1)
        {
            w.WriteLine($"int x0 = n < last - {Int(pixels)} ? n : last - {Int(pixels)}; // the last step overlaps the one before");
        }
        else
        {
            w.WriteLine("int x0 = n;");
        }

        w.WriteLine($"ref byte window = ref Unsafe.Add(ref padded, x0 * {Int(c.Channels)});");
    }

    /// <summary>Two 8-lane halves as one 512-bit vector: one vinserti32x8 (Vector512.Create takes two).</summary>
    private static string Join(string low, string high) => $"{low}.ToVector512Unsafe().WithUpper({high})";
}

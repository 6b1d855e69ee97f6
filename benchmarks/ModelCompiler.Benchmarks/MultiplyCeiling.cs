using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using ModelCompiler.Benchmarks.Engines;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// How many int8 multiply-accumulates per second one core of this CPU can do in the inner loop of an 8-bit-weight
/// convolution, with every operand already in registers (no loads, no requantization): the ceiling the loop's
/// instructions allow, to set a model's measured GMAC/s against. Two loops, measured alternately in one process:
/// <list type="bullet">
/// <item>exact int16 pairs, the generated code's AVX2 loop for 8-bit weights: vpmaddwd + vpaddd per 16 MACs;</item>
/// <item>u8 x s8 bytes as ONNX Runtime's MLAS AVX2 kernel does it: vpmaddubsw (int16 saturation) + vpmaddwd by ones +
/// vpaddd per 32 MACs.</item>
/// </list>
/// Each multiplies two broadcast-like inputs by four weight vectors loaded from L1 into four accumulators (the products
/// do not wait on each other, and each accumulator's chain is one vpaddd per product), leaving registers free so nothing
/// spills; the weights alternate between two sets so the JIT cannot hoist the products (checked with DOTNET_JitDisasm).
/// </summary>
public static class MultiplyCeiling
{
    private const int Rounds = 4_000_000;
    private const int Repeats = 7;

    /// <summary>The medians in GMAC/s: exact int16 pairs, then u8 x s8 bytes; NaN without AVX2.</summary>
    public static (double Exact, double Bytes) Measure()
    {
        if (!Avx2.IsSupported)
        {
            return (double.NaN, double.NaN);
        }

        ExactPairs(1000);
        SaturatingBytes(1000);
        var exact = new List<double>();
        var bytes = new List<double>();
        for (int r = 0; r < Repeats; r++)
        {
            exact.Add(Rate(ExactPairs, 16));
            bytes.Add(Rate(SaturatingBytes, 32));
        }

        return (Median(exact), Median(bytes));
    }

    /// <summary>One line: both ceilings and their ratio, or that this CPU cannot run the loops.</summary>
    public static string Describe((double Exact, double Bytes) ceilings)
    {
        var (exact, bytes) = ceilings;
        return double.IsNaN(exact)
            ? "multiply-accumulate ceiling: not measured (this CPU has no AVX2)"
            : FormattableString.Invariant(
                $"multiply-accumulate ceiling of one core, activations in registers, weights in L1 (load average {LoadAverage.Now()}): exact int16 pairs (the generated 8-bit loop) {exact:N1} GMAC/s, u8 x s8 as ORT's MLAS {bytes:N1} GMAC/s ({bytes / exact:N2}x)");
    }

    /// <summary>
    /// The lines that set a model's measured medians (microseconds) against the ceiling of each engine's own loop: ONNX
    /// Runtime int8's the u8 x s8 one, the generated code's the exact one.
    /// </summary>
    public static string Against(long macs, IEnumerable<(EngineKind Engine, double Micros)> medians)
    {
        var ceilings = Measure();
        var text = new StringBuilder();
        text.AppendLine("  " + Describe(ceilings));
        var (exact, bytes) = ceilings;
        if (double.IsNaN(exact))
        {
            return text.ToString();
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"  the model's {macs:N0} MACs at the exact ceiling alone: {macs / exact / 1e3:N0} us; each engine's MACs / median, and its share of that engine's own loop's ceiling:");
        foreach (var (engine, micros) in medians)
        {
            double rate = macs / micros / 1e3;
            double ceiling = engine == EngineKind.OrtInt8 ? bytes : exact;
            text.AppendLine(CultureInfo.InvariantCulture, $"    {engine.Title(),-24} {rate,6:N1} GMAC/s  {rate / ceiling,6:P0}");
        }

        return text.ToString();
    }

    private static double Rate(Func<int, Vector256<int>> loop, int macsPerProduct)
    {
        var watch = Stopwatch.StartNew();
        var sink = loop(Rounds);
        watch.Stop();
        GC.KeepAlive(sink);
        // Eight products per round.
        return (double)Rounds * 8 * macsPerProduct / watch.Elapsed.TotalSeconds / 1e9;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<int> ExactPairs(int rounds)
    {
        var a0 = Vector256.Create((short)3);
        var a1 = Vector256.Create((short)-5);
        var weights = new short[8 * 16];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (short)((i * 37 % 255) - 127);
        }

        ref short w = ref weights[0];
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int i = 0; i < rounds; i++)
        {
            nuint set = (nuint)(i & 1) * 64;
            var w0 = Vector256.LoadUnsafe(ref w, set);
            var w1 = Vector256.LoadUnsafe(ref w, set + 16);
            var w2 = Vector256.LoadUnsafe(ref w, set + 32);
            var w3 = Vector256.LoadUnsafe(ref w, set + 48);
            c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(a0, w0));
            c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(a0, w1));
            c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(a0, w2));
            c3 = Avx2.Add(c3, Avx2.MultiplyAddAdjacent(a0, w3));
            c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(a1, w0));
            c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(a1, w1));
            c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(a1, w2));
            c3 = Avx2.Add(c3, Avx2.MultiplyAddAdjacent(a1, w3));
        }

        return Avx2.Add(Avx2.Add(c0, c1), Avx2.Add(c2, c3));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<int> SaturatingBytes(int rounds)
    {
        var a0 = Vector256.Create((byte)3);
        var a1 = Vector256.Create((byte)200);
        var weights = new sbyte[8 * 32];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (sbyte)((i * 37 % 255) - 127);
        }

        ref sbyte w = ref weights[0];
        var ones = Vector256.Create((short)1);
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int i = 0; i < rounds; i++)
        {
            nuint set = (nuint)(i & 1) * 128;
            var w0 = Vector256.LoadUnsafe(ref w, set);
            var w1 = Vector256.LoadUnsafe(ref w, set + 32);
            var w2 = Vector256.LoadUnsafe(ref w, set + 64);
            var w3 = Vector256.LoadUnsafe(ref w, set + 96);
            c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a0, w0), ones));
            c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a0, w1), ones));
            c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a0, w2), ones));
            c3 = Avx2.Add(c3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a0, w3), ones));
            c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a1, w0), ones));
            c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a1, w1), ones));
            c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a1, w2), ones));
            c3 = Avx2.Add(c3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a1, w3), ones));
        }

        return Avx2.Add(Avx2.Add(c0, c1), Avx2.Add(c2, c3));
    }
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// <see cref="KernelLibrary.RequantizeStoreNarrow512{TRounding}"/> against <see cref="Requantizer.Requantize(int, int, int, int, int, int)"/>
/// and <see cref="TfliteRequantizer.Requantize(int, int, int, int, int, int)"/> at the ends of its domain: accumulators
/// at int32's ends and around the rounding ties, shifts 32 and 54 and between, multipliers at 2^30 and 2^31 - 1, zero
/// points at both ends, the full and narrower clamps; and TFLite's rule on hand-computed vectors. Each test runs the
/// AVX-512 form and the AVX2 forms (<see cref="KernelLibrary.RequantizeStoreNarrow256{TRounding}"/>, the same table;
/// "avx2pair", the blocked conv's two pixels a pack, <see cref="KernelLibrary.NarrowRequantizeShuffled256{TRounding}"/>
/// and <see cref="KernelLibrary.StoreNarrowPair256"/>, with a second pixel's accumulators; "avx2single", its odd last
/// pixel, <see cref="KernelLibrary.StoreNarrowShuffled256"/>): where the process lacks a form's instruction set (an AVX2-only CPU, CI's reduced runs), the test checks that no
/// path of that width is claimed, as the kernels then never call it.
/// </summary>
public sealed class NarrowRequantizationTests
{
    [Theory]
    [InlineData("avx512")]
    [InlineData("avx2")]
    [InlineData("avx2pair")]
    [InlineData("avx2single")]
    public void NarrowRequantizationIsTheScalarRule(string form) => MatchesScalarRule<SingleRounding>(form, 12, Requantizer.Requantize);

    [Theory]
    [InlineData("avx512")]
    [InlineData("avx2")]
    [InlineData("avx2pair")]
    [InlineData("avx2single")]
    public void NarrowRequantizationIsTflitesRule(string form) => MatchesScalarRule<TfliteRounding>(form, 13, TfliteRequantizer.Requantize);

    /// <summary>
    /// TFLite's two roundings at the narrow form's boundaries, worked by hand (docs/arithmetic.md, "TFLite's rule as one
    /// rounding"): M = 2^-2 (m = 2^30, shift 32) and M = 2^-24 (m = 2^30, shift 54, the largest), ties of both signs
    /// (TFLite rounds a negative half away from zero, one rounding up), products in [-2^30, 0) (no correction visible),
    /// int32's ends, and a nonzero zero point. Each is also TFLite's own two-step arithmetic
    /// (<see cref="TfliteRequantizer.MultiplyByQuantizedMultiplier"/>).
    /// </summary>
    [Theory]
    [InlineData("avx512")]
    [InlineData("avx2")]
    [InlineData("avx2pair")]
    [InlineData("avx2single")]
    public void NarrowTfliteRoundingOnHandComputedVectors(string form)
    {
        if (!Runs(form))
        {
            return;
        }

        // (accumulator, shift, zero point, expected): multiplier 2^30 throughout.
        (int Acc, int Shift, int ZeroPoint, int Expected)[] vectors =
        [
            (1, 32, 0, 1),            // 0.25: 2^30 + 2^31 + 2^30 = 2^32 -> 1 (first rounding 0.5 -> 1, then 0.5 -> 1)
            (-1, 32, 0, 0),           // -0.25: product -2^30, both terms give 0
            (2, 32, 0, 1),            // 0.5 -> 1
            (-2, 32, 0, -1),          // -0.5 -> -1 (one rounding gives 0)
            (-3, 32, 0, -1),          // -0.75: (-3 * 2^30 + 2^31 - 2^30) >> 32 = -1
            (-5, 32, 0, -1),          // -1.25: -2.5 -> -2, then -1 -> -1
            (6, 32, 0, 2),            // 1.5 -> 2
            (-6, 32, 0, -2),          // -1.5 -> -2 (one rounding gives -1)
            (-6, 32, 5, 3),           // the same with zero point 5
            (-7, 32, -128, -128),     // -1.75 -> -2, clamped at -128
            (int.MinValue, 32, 0, -128), // -2^29, saturated
            (int.MaxValue, 32, 0, 127),
            (1 << 23, 54, 0, 1),      // 0.5 at the largest shift
            (-(1 << 23), 54, 0, -1),  // -0.5 -> -1
            (3 << 23, 54, 0, 2),      // 1.5 -> 2
            (-(3 << 23), 54, 0, -2),  // -1.5 -> -2
            ((1 << 23) - 1, 54, 0, 1), // 0.5 - 2^-23: the first rounding makes it the tie 2^22 / 2^23, then 1 (one rounding: 0)
            (-(1 << 23) + 1, 54, 0, 0), // -0.5 + 2^-23: -2^22 + 1 after the first rounding, then 0
            (int.MinValue, 54, 0, -128), // -2^61 >> 54 = -128 exactly
            (int.MinValue, 54, 127, -1),
            (int.MaxValue, 54, -128, 0),  // 128 - 2^-23 -> 128, + zp -128
        ];
        for (int start = 0; start < vectors.Length; start += 16)
        {
            int count = Math.Min(16, vectors.Length - start);
            foreach (int zeroPoint in vectors.Skip(start).Take(count).Select(v => v.ZeroPoint).Distinct())
            {
                var lanes = Enumerable.Range(start, count).Where(i => vectors[i].ZeroPoint == zeroPoint).ToArray();
                var accumulators = new int[16];
                var shifts = Enumerable.Repeat(32, 16).ToArray();
                var multipliers = Enumerable.Repeat(1 << 30, 16).ToArray();
                for (int l = 0; l < lanes.Length; l++)
                {
                    (accumulators[l], shifts[l]) = (vectors[lanes[l]].Acc, vectors[lanes[l]].Shift);
                }

                sbyte[] y = Run<TfliteRounding>(form, accumulators, accumulators, multipliers, shifts, zeroPoint, -128, 127, 16);
                for (int l = 0; l < lanes.Length; l++)
                {
                    Assert.True(form != "avx2pair" || y[l] == y[l + 17], $"vector {lanes[l]}: the second pixel's {y[l + 17]} differs from the first's {y[l]}");
                    var (acc, shift, _, expected) = vectors[lanes[l]];
                    int tflite = Math.Clamp(TfliteRequantizer.MultiplyByQuantizedMultiplier(acc, new TfliteMultiplier(1 << 30, 31 - shift)) + zeroPoint, -128, 127);
                    Assert.True(expected == tflite, $"vector {lanes[l]}: TFLite's arithmetic gives {tflite}, the hand computation {expected}");
                    Assert.True(expected == y[l], $"vector {lanes[l]}: acc {acc}, shift {shift}, zp {zeroPoint}: {y[l]} instead of {expected}");
                }
            }
        }
    }

    /// <summary>Whether this process can run <paramref name="form"/>; where it cannot, no path of that width may be claimed.</summary>
    private static bool Runs(string form)
    {
        bool supported = form == "avx512" ? Avx512BW.IsSupported : Avx2.IsSupported;
        if (!supported)
        {
            Assert.DoesNotContain(form == "avx512" ? form : "avx2", VectorPaths.AvailableNames);
        }

        return supported;
    }

    private static void MatchesScalarRule<TRounding>(string form, int seed, Func<int, int, int, int, int, int, int> rule)
        where TRounding : struct
    {
        if (!Runs(form))
        {
            return;
        }

        var random = new Random(seed);
        int[] specialAccumulators = [int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue, int.MaxValue - 1, 1 << 30, -(1 << 30)];
        int[] specialMultipliers = [1 << 30, int.MaxValue, (1 << 30) + 1, 0];
        for (int trial = 0; trial < 4000; trial++)
        {
            var accumulators = new int[16];
            var multipliers = new int[16];
            var shifts = new int[16];
            for (int c = 0; c < 16; c++)
            {
                shifts[c] = random.Next(4) == 0 ? (random.Next(2) == 0 ? 32 : 54) : random.Next(32, 55);
                multipliers[c] = random.Next(4) == 0 ? specialMultipliers[random.Next(specialMultipliers.Length)] : random.Next(1 << 30, int.MaxValue);
                accumulators[c] = Accumulator(random, specialAccumulators, multipliers[c], shifts[c]);
            }

            // The pair form's second pixel: other accumulators on the same channels (the pack must not mix the pixels).
            int[] second = form == "avx2pair" ? Enumerable.Range(0, 16).Select(c => Accumulator(random, specialAccumulators, multipliers[c], shifts[c])).ToArray() : accumulators;
            int zeroPoint = random.Next(-128, 128);
            var (min, max) = random.Next(3) switch { 0 => (-128, 127), 1 => (zeroPoint, 127), _ => (zeroPoint, Math.Min(127, zeroPoint + random.Next(0, 60))) };
            int count = random.Next(5) == 0 ? random.Next(1, 16) : 16;
            sbyte[] y = Run<TRounding>(form, accumulators, second, multipliers, shifts, zeroPoint, min, max, count);
            for (int pixel = 0; pixel < (form == "avx2pair" ? 2 : 1); pixel++)
            {
                int[] acc = pixel == 0 ? accumulators : second;
                for (int c = 0; c < 16; c++)
                {
                    int expected = c < count ? rule(acc[c], multipliers[c], shifts[c], zeroPoint, min, max) : 0;
                    Assert.True(expected == y[(17 * pixel) + c], $"trial {trial}, pixel {pixel}, lane {c}: acc {acc[c]}, m {multipliers[c]}, shift {shifts[c]}, zp {zeroPoint}, clamp [{min}, {max}]: {y[(17 * pixel) + c]} instead of {expected}");
                }

                Assert.Equal(0, y[(17 * pixel) + 16]);
            }
        }
    }

    /// <summary>An accumulator for a channel: a special value, one near a rounding tie of the channel, or any.</summary>
    private static int Accumulator(Random random, int[] specialAccumulators, int multiplier, int shift) => random.Next(3) switch
    {
        0 => specialAccumulators[random.Next(specialAccumulators.Length)],
        // Near a rounding tie of this channel: acc * m close to (k + 1/2) * 2^s for a small k.
        1 => Tie(random, multiplier, shift),
        _ => random.Next(int.MinValue, int.MaxValue),
    };

    /// <summary>
    /// The kernel on one block: the table as NarrowRequantization.Constants writes it (the rule's term for a non-negative
    /// product plus zp * 2^s), and 17 bytes of output per pixel, the last of which must stay 0 (the pair form's second
    /// pixel, <paramref name="second"/>'s, at 17; the other forms leave those bytes 0).
    /// </summary>
    private static sbyte[] Run<TRounding>(string form, int[] accumulators, int[] second, int[] multipliers, int[] shifts, int zeroPoint, int min, int max, int count)
        where TRounding : struct
    {
        var constants = new long[48];
        for (int c = 0; c < 16; c++)
        {
            int odd = c % 2, at = (odd * 8) + (c / 2);
            long term = typeof(TRounding) == typeof(TfliteRounding) ? (1L << (shifts[c] - 1)) + (1L << 30) : 1L << (shifts[c] - 1);
            constants[at] = shifts[c] - (32 * odd);
            constants[at + 16] = term + ((long)zeroPoint << shifts[c]);
            constants[at + 32] = multipliers[c];
        }

        var y = new sbyte[34];
        if (form == "avx512")
        {
            KernelLibrary.RequantizeStoreNarrow512<TRounding>(Vector512.Create(accumulators), ref constants[0], min, max, ref y[0], count);
        }
        else if (form is "avx2pair" or "avx2single")
        {
            Vector256<int> lowShifts = KernelLibrary.NarrowShiftsShuffled256(ref constants[0]), highShifts = KernelLibrary.NarrowShiftsShuffled256(ref constants[4]);
            Vector256<int> lowA = KernelLibrary.NarrowRequantizeShuffled256<TRounding>(Vector256.Create(accumulators), ref constants[0], lowShifts);
            Vector256<int> highA = KernelLibrary.NarrowRequantizeShuffled256<TRounding>(Vector256.Create(accumulators, 8), ref constants[4], highShifts);
            if (form == "avx2single")
            {
                KernelLibrary.StoreNarrowShuffled256(lowA, highA, min, max, ref y[0], count);
            }
            else
            {
                KernelLibrary.StoreNarrowPair256(
                    lowA,
                    highA,
                    KernelLibrary.NarrowRequantizeShuffled256<TRounding>(Vector256.Create(second), ref constants[0], lowShifts),
                    KernelLibrary.NarrowRequantizeShuffled256<TRounding>(Vector256.Create(second, 8), ref constants[4], highShifts),
                    min,
                    max,
                    ref y[0],
                    ref y[17],
                    count);
            }
        }
        else
        {
            KernelLibrary.RequantizeStoreNarrow256<TRounding>(
                Vector256.Create(accumulators), Vector256.Create(accumulators, 8), ref constants[0],
                KernelLibrary.NarrowShifts256(ref constants[0]), KernelLibrary.NarrowShifts256(ref constants[4]), min, max, ref y[0], count);
        }

        return y;
    }

    /// <summary>An accumulator whose product with <paramref name="multiplier"/> lies within a few units of a tie.</summary>
    private static int Tie(Random random, int multiplier, int shift)
    {
        if (multiplier == 0)
        {
            return random.Next();
        }

        long k = random.Next(-200, 200);
        double target = (k + 0.5) * Math.Pow(2, shift) / multiplier;
        double clamped = Math.Clamp(Math.Round(target) + random.Next(-2, 3), int.MinValue, int.MaxValue);
        return (int)clamped;
    }
}

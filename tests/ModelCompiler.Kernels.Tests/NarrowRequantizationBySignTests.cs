using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The 8-bit AVX2 blocked convolution's requantization by the accumulator's sign
/// (<see cref="KernelLibrary.NarrowRequantizeBySign256"/>, <see cref="KernelLibrary.StoreNarrowPairInOrder256"/>)
/// against TFLite's scalar rule, on the domain the generator proves before it takes this form: every multiplier positive
/// (or a padded channel: multiplier 0 and accumulator 0) and |acc| * m + |term| &lt; 2^61; accumulators near ties of
/// both signs, where TFLite's correction for a negative product decides the result. Two pixels a pack, partial counts.
/// </summary>
public sealed class NarrowRequantizationBySignTests
{
    [Fact]
    public void RequantizationBySignIsTflitesRuleWhereTheGeneratorTakesIt()
    {
        if (!Avx2.IsSupported)
        {
            Assert.DoesNotContain("avx2", VectorPaths.AvailableNames);
            return;
        }

        var random = new Random(31);
        for (int trial = 0; trial < 4000; trial++)
        {
            var multipliers = new int[16];
            var shifts = new int[16];
            int zeroPoint = random.Next(-128, 128);
            for (int c = 0; c < 16; c++)
            {
                shifts[c] = random.Next(4) == 0 ? 32 : random.Next(32, 52);
                multipliers[c] = c == 15 && random.Next(4) == 0 ? 0 : random.Next(4) == 0 ? (random.Next(2) == 0 ? 1 << 30 : int.MaxValue) : random.Next(1 << 30, int.MaxValue);
            }

            int[] first = Accumulators(random, multipliers, shifts, zeroPoint), second = Accumulators(random, multipliers, shifts, zeroPoint);
            var (min, max) = random.Next(3) switch { 0 => (-128, 127), 1 => (zeroPoint, 127), _ => (zeroPoint, Math.Min(127, zeroPoint + random.Next(0, 60))) };
            int count = random.Next(5) == 0 ? random.Next(1, 16) : 16;
            var constants = new long[48];
            for (int c = 0; c < 16; c++)
            {
                int odd = c % 2, at = (odd * 8) + (c / 2);
                constants[at] = shifts[c] - (32 * odd);
                constants[at + 16] = (1L << (shifts[c] - 1)) + (1L << 30) + ((long)zeroPoint << shifts[c]);
                constants[at + 32] = multipliers[c];
            }

            var y = new sbyte[34];
            Vector256<int> lowShifts = KernelLibrary.NarrowShiftsLess31(ref constants[0]), highShifts = KernelLibrary.NarrowShiftsLess31(ref constants[4]);
            KernelLibrary.StoreNarrowPairInOrder256(
                KernelLibrary.NarrowRequantizeBySign256(Vector256.Create(first), ref constants[0], lowShifts),
                KernelLibrary.NarrowRequantizeBySign256(Vector256.Create(first, 8), ref constants[4], highShifts),
                KernelLibrary.NarrowRequantizeBySign256(Vector256.Create(second), ref constants[0], lowShifts),
                KernelLibrary.NarrowRequantizeBySign256(Vector256.Create(second, 8), ref constants[4], highShifts),
                min,
                max,
                ref y[0],
                ref y[17],
                count);
            for (int pixel = 0; pixel < 2; pixel++)
            {
                int[] acc = pixel == 0 ? first : second;
                for (int c = 0; c < 16; c++)
                {
                    int expected = c < count ? TfliteRequantizer.Requantize(acc[c], multipliers[c], shifts[c], zeroPoint, min, max) : 0;
                    Assert.True(expected == y[(17 * pixel) + c], $"trial {trial}, pixel {pixel}, lane {c}: acc {acc[c]}, m {multipliers[c]}, shift {shifts[c]}, zp {zeroPoint}, clamp [{min}, {max}]: {y[(17 * pixel) + c]} instead of {expected}");
                }

                Assert.Equal(0, y[(17 * pixel) + 16]);
            }
        }
    }

    /// <summary>
    /// One pixel's accumulators inside the proven domain: near a tie of either sign (acc * m close to (k + 1/2) * 2^s),
    /// small ones around 0, or any with |acc| * m + |term| &lt; 2^61; 0 where the multiplier is (a padded channel).
    /// </summary>
    private static int[] Accumulators(Random random, int[] multipliers, int[] shifts, int zeroPoint)
    {
        var acc = new int[16];
        for (int c = 0; c < 16; c++)
        {
            if (multipliers[c] == 0)
            {
                continue;
            }

            double term = Math.Pow(2, shifts[c] - 1) + Math.Pow(2, 30) + (Math.Abs(zeroPoint) * Math.Pow(2, shifts[c]));
            double largest = Math.Min(int.MaxValue, Math.Floor((Math.Pow(2, 61) - term) / multipliers[c]) - 1);
            double value = random.Next(3) switch
            {
                0 => (random.Next(-200, 200) + 0.5) * Math.Pow(2, shifts[c]) / multipliers[c] + random.Next(-2, 3),
                1 => random.Next(-3, 4),
                _ => (random.NextDouble() * 2 - 1) * largest,
            };
            acc[c] = (int)Math.Clamp(Math.Round(value), -largest, largest);
        }

        return acc;
    }
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// <see cref="KernelLibrary.RequantizeStoreNarrow512"/> against <see cref="Requantizer.Requantize"/> at the ends of its
/// domain: accumulators at int32's ends and around the rounding ties, shifts 32 and 54 and between, multipliers at 2^30
/// and 2^31 - 1, zero points at both ends, the full and narrower clamps. It is AVX-512 code: where the process has no
/// AVX-512 (CI's reduced run), the test checks that no AVX-512 path is claimed, as the kernels then never call it.
/// </summary>
public sealed class NarrowRequantizationTests
{
    [Fact]
    public void NarrowRequantizationIsTheScalarRule()
    {
        if (!Avx512BW.IsSupported)
        {
            Assert.DoesNotContain("avx512", VectorPaths.AvailableNames);
            return;
        }

        var random = new Random(12);
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
                accumulators[c] = random.Next(3) switch
                {
                    0 => specialAccumulators[random.Next(specialAccumulators.Length)],
                    // Near a rounding tie of this channel: acc * m close to (k + 1/2) * 2^s for a small k.
                    1 => Tie(random, multipliers[c], shifts[c]),
                    _ => random.Next(int.MinValue, int.MaxValue),
                };
            }

            int zeroPoint = random.Next(-128, 128);
            var (min, max) = random.Next(3) switch { 0 => (-128, 127), 1 => (zeroPoint, 127), _ => (zeroPoint, Math.Min(127, zeroPoint + random.Next(0, 60))) };
            var constants = new long[48];
            for (int c = 0; c < 16; c++)
            {
                int odd = c % 2, at = (odd * 8) + (c / 2);
                constants[at] = shifts[c] - (32 * odd);
                constants[at + 16] = (1L << (shifts[c] - 1)) + ((long)zeroPoint << shifts[c]);
                constants[at + 32] = multipliers[c];
            }

            int count = random.Next(5) == 0 ? random.Next(1, 16) : 16;
            var y = new sbyte[17];
            KernelLibrary.RequantizeStoreNarrow512(Vector512.Create(accumulators), ref constants[0], min, max, ref y[0], count);
            for (int c = 0; c < 16; c++)
            {
                int expected = c < count ? Requantizer.Requantize(accumulators[c], multipliers[c], shifts[c], zeroPoint, min, max) : 0;
                Assert.True(expected == y[c], $"trial {trial}, lane {c}: acc {accumulators[c]}, m {multipliers[c]}, shift {shifts[c]}, zp {zeroPoint}, clamp [{min}, {max}]: {y[c]} instead of {expected}");
            }

            Assert.Equal(0, y[16]);
        }
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

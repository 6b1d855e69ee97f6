using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// <see cref="KernelLibrary.AddInt8Narrow256{TRounding}"/>, the AVX2 narrow addition, called directly against
/// <see cref="Int8Addition.Add"/> and <see cref="TfliteAddition.Add"/>: every pair of int8 operands, for input scale
/// ratios from 1 to the narrow form's limit in both orders, output scales far coarser and far finer than the inputs
/// (output shifts near both ends of [32, 54]), zero points and clamps at both ends; and the lengths around its step of
/// 32 (what it returns, what it leaves). On a CPU without AVX2 the kernels never call it and the test checks that.
/// </summary>
public sealed class NarrowAdditionTests
{
    [Fact]
    public void NarrowAdditionIsInt8AdditionOnEveryPairOfOperands() => CheckEveryPair<SingleRounding>(Int8Addition.Add);

    [Fact]
    public void NarrowAdditionWithTfliteRoundingIsTfliteAdditionOnEveryPairOfOperands() => CheckEveryPair<TfliteRounding>(TfliteAddition.Add);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(95)]
    [InlineData(96)]
    public void NarrowAdditionDoesWholeStepsOfThirtyTwoAndLeavesTheRest(int count)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        var random = new Random(count);
        var a = Enumerable.Range(0, count + 1).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        var b = Enumerable.Range(0, count + 1).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        var y = Enumerable.Repeat((sbyte)99, count + 40).ToArray();
        var m = Int8Addition.MultipliersFor(0.031f, 0.0047f, 0.06f);
        Assert.True(KernelLibrary.NarrowAdditionApplies(m.First.Shift, m.Second.Shift, m.Output.Shift));
        int done = KernelLibrary.AddInt8Narrow256<SingleRounding>(
            ref a[0], ref b[0], ref y[0], count, 4, m.First.Multiplier, m.First.Shift, -7, m.Second.Multiplier, m.Second.Shift, m.Output.Multiplier, m.Output.Shift, -3, -3, 127);
        Assert.Equal(count / 32 * 32, done);
        for (int i = 0; i < done; i++)
        {
            Assert.Equal(Int8Addition.Add(a[i], 4, b[i], -7, m, -3, -3, 127), y[i]);
        }

        Assert.All(y.Skip(done), v => Assert.Equal(99, v));
    }

    private static void CheckEveryPair<TRounding>(Func<int, int, int, int, AdditionMultipliers, int, int, int, int> add)
        where TRounding : struct
    {
        if (!Avx2.IsSupported)
        {
            Assert.False(VectorPaths.IsAvailable(256), "an avx2 path without AVX2");
            return;
        }

        var a = Enumerable.Range(0, 65536).Select(i => (sbyte)((i >> 8) - 128)).ToArray();
        var b = Enumerable.Range(0, 65536).Select(i => (sbyte)((i & 255) - 128)).ToArray();
        var y = new sbyte[65536];
        var outputShifts = new List<int>();
        int cases = 0;
        foreach (float ratio in new[] { 1f, 0.37f, 0.011f, 0.0007f, 2.9f, 130f })
        {
            foreach (float outputRatio in new[] { 9.5f, 1.3f, 0.05f, 0.0004f, 1e-5f })
            {
                float s1 = 0.021f, s2 = s1 * ratio, sOut = Math.Max(s1, s2) * outputRatio;
                var m = Int8Addition.MultipliersFor(s1, s2, sOut);
                if (!KernelLibrary.NarrowAdditionApplies(m.First.Shift, m.Second.Shift, m.Output.Shift))
                {
                    continue;
                }

                cases++;
                outputShifts.Add(m.Output.Shift);
                int za = (cases * 37 % 256) - 128, zb = 127 - (cases * 53 % 256), zOut = (cases * 29 % 256) - 128;
                var (min, max) = (cases % 3) switch { 0 => (-128, 127), 1 => (zOut, 127), _ => (Math.Max(-128, zOut - 20), Math.Min(127, zOut + 30)) };
                int done = KernelLibrary.AddInt8Narrow256<TRounding>(
                    ref a[0], ref b[0], ref y[0], y.Length, za, m.First.Multiplier, m.First.Shift, zb, m.Second.Multiplier, m.Second.Shift,
                    m.Output.Multiplier, m.Output.Shift, zOut, min, max);
                Assert.Equal(y.Length, done);
                for (int i = 0; i < y.Length; i++)
                {
                    int expected = add(a[i], za, b[i], zb, m, zOut, min, max);
                    Assert.True(expected == y[i], $"scales {s1}/{s2}/{sOut}, zero points {za}/{zb}/{zOut}, clamp [{min}, {max}], {a[i]} + {b[i]}: {y[i]} instead of {expected}");
                }
            }
        }

        Assert.True(cases >= 20, $"{cases} scale sets take the narrow form");
        Assert.True(outputShifts.Min() <= 34 && outputShifts.Max() >= 50, $"output shifts {outputShifts.Min()}-{outputShifts.Max()}");
    }
}

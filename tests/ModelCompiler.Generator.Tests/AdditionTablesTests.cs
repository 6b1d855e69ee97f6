using ModelCompiler.Arithmetic;
using ModelCompiler.Generator.Planning.Lowering;
using GeneratorRounding = ModelCompiler.Generator.Format.Rounding;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// AdditionTables against Int8Addition.Add on every pair of operands: the tables read the way the kernel AddInt8ByTables
/// reads them (int16 values from their low and high bytes, the carry where the second's rank byte exceeds the first's, int8 saturation, then the activation's clamp).
/// </summary>
public sealed class AdditionTablesTests
{
    public static TheoryData<float, float, float, int, int, int, int> Cases => new()
    {
        // Scales ratios above and below 1, zero points at both ends, no clamp, ReLU and ReLU6-like clamps.
        { 0.0371f, 0.0123f, 0.0517f, -128, 127, 5, 0 },
        { 0.0093f, 0.0291f, 0.0133f, 127, -128, -128, 1 },
        { 0.25f, 0.0017f, 0.1f, 0, 3, -7, 2 },
        { 0.5f, 1e-5f, 0.3f, 3, -9, 2, 0 },
        { 0.02f, 0.02f, 0.04f, -3, 7, 0, 1 },
        { 0.11f, 0.0042f, 0.0031f, 12, -50, 100, 0 },
        { 0.0017f, 0.0019f, 0.9f, -128, -128, 127, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TablesGiveInt8AdditionOnEveryPairOfOperands(float s1, float s2, float sOut, int z1, int z2, int zOut, int clamp)
    {
        var m = Int8Addition.MultipliersFor(s1, s2, sOut);
        var (min, max) = clamp switch { 0 => (-128, 127), 1 => (zOut, 127), _ => (zOut, Math.Min(127, zOut + 40)) };
        var stage = new AdditionStage(
            z1, m.First.Multiplier, m.First.Shift, z2, m.Second.Multiplier, m.Second.Shift, m.Output.Multiplier, m.Output.Shift, zOut, min, max, GeneratorRounding.Single);
        byte[] tables = AdditionTables.For(stage) ?? throw new InvalidOperationException($"no tables for scales {s1}/{s2}/{sOut}");
        Assert.Equal(AdditionTables.Length, tables.Length);
        for (int u1 = 0; u1 < 256; u1++)
        {
            for (int u2 = 0; u2 < 256; u2++)
            {
                int sum = Half(tables, u1) + Half(tables, 768 + u2) + (tables[768 + 512 + u2] > tables[512 + u1] ? 1 : 0);
                int y = Math.Min(Math.Max(Math.Clamp(sum, -128, 127), min), max);
                int expected = Int8Addition.Add((sbyte)u1, z1, (sbyte)u2, z2, m, zOut, min, max);
                Assert.True(expected == y, $"scales {s1}/{s2}/{sOut}, {(sbyte)u1} + {(sbyte)u2}: {y} instead of {expected}");
            }
        }
    }

    [Fact]
    public void TfliteRoundingHasNoTables()
    {
        var m = Int8Addition.MultipliersFor(0.0371f, 0.0123f, 0.0517f);
        var stage = new AdditionStage(
            1, m.First.Multiplier, m.First.Shift, 2, m.Second.Multiplier, m.Second.Shift, m.Output.Multiplier, m.Output.Shift, 3, -128, 127, GeneratorRounding.Tflite);
        Assert.Null(AdditionTables.For(stage));
    }

    /// <summary>The int16 at <paramref name="at"/> of a 256-entry table whose high bytes are 256 further on.</summary>
    private static int Half(byte[] tables, int at) => (short)(tables[at] | (tables[at + 256] << 8));
}

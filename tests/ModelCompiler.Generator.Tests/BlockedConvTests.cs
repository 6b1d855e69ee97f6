using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Format;
using ModelCompiler.Generator.Pipeline;
using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// The register-blocked convolution's exactness argument: MultiplyAddAdjacent(u8, s8) sums two u8 x s8 products with
/// int16 saturation, so it is exact only while |u0*w0 + u1*w1| &lt;= 32767. With u in [0, 255] and w in [-64, 63] the
/// extremes are 2 * 255 * -64 = -32640 and 2 * 255 * 63 = 32130, so it can never saturate; one step past the range
/// (w = -65 with u = 255) it does.
/// </summary>
public sealed class BlockedConvTests
{
    [Fact]
    public void PairSumsOfTheOperandRangeFitInt16()
    {
        long lowest = long.MaxValue, highest = long.MinValue;
        for (int u = 0; u <= 255; u++)
        {
            for (int w = BlockedConvLowering.MinWeight; w <= BlockedConvLowering.MaxWeight; w++)
            {
                // A pair sum is extreme when both products are: the extremes of one product, doubled.
                lowest = Math.Min(lowest, 2L * u * w);
                highest = Math.Max(highest, 2L * u * w);
            }
        }

        Assert.Equal(-32640, lowest);
        Assert.Equal(32130, highest);
        Assert.InRange(lowest, short.MinValue, short.MaxValue);
        Assert.InRange(highest, short.MinValue, short.MaxValue);
        Assert.True(2L * 255 * 65 > short.MaxValue && 2L * 255 * -65 < short.MinValue, "the range is the widest symmetric-ish one that fits");
    }

    /// <summary>
    /// The instruction itself (AVX2 and AVX-512BW, whichever the machine has; every x86-64-v3 machine has AVX2) on every
    /// (u0, w0) of the range against the extreme and random partners: equal to exact integer arithmetic. One pair past
    /// the range shows that the comparison does catch saturation.
    /// </summary>
    [Fact]
    public void MultiplyAddAdjacentIsExactOnTheOperandRange()
    {
        if (X86Base.IsSupported)
        {
            Assert.True(Avx2.IsSupported, "x86 machines without AVX2 run the scalar kernel; this test expects AVX2");
        }

        var random = new Random(1);
        var u = new byte[32];
        var w = new sbyte[32];
        int pairs = 0, checkedPairs = 0;
        int[] partnerU = [255, 255, 0, 0];
        int[] partnerW = [BlockedConvLowering.MinWeight, BlockedConvLowering.MaxWeight, 0, 0];
        for (int u0 = 0; u0 <= 255; u0++)
        {
            for (int w0 = BlockedConvLowering.MinWeight; w0 <= BlockedConvLowering.MaxWeight; w0++)
            {
                for (int p = 0; p < partnerU.Length; p++)
                {
                    u[2 * pairs] = (byte)u0;
                    w[2 * pairs] = (sbyte)w0;
                    u[2 * pairs + 1] = (byte)(p < 2 ? partnerU[p] : random.Next(256));
                    w[2 * pairs + 1] = (sbyte)(p < 2 ? partnerW[p] : random.Next(BlockedConvLowering.MinWeight, BlockedConvLowering.MaxWeight + 1));
                    if (++pairs == 16)
                    {
                        checkedPairs += CheckPairs(u, w);
                        pairs = 0;
                    }
                }
            }
        }

        Assert.Equal(Avx2.IsSupported ? 256 * 128 * 4 : 0, checkedPairs);

        // Past the range the instruction saturates, and CheckPairs notices.
        Array.Fill(u, (byte)255);
        Array.Fill(w, (sbyte)-65);
        Assert.ThrowsAny<Exception>(() => CheckPairs(u, w));
    }

    /// <summary>MultiplyAddAdjacent on 16 pairs against exact arithmetic; the number of pairs compared.</summary>
    private static int CheckPairs(byte[] u, sbyte[] w)
    {
        int compared = 0;
        if (Avx2.IsSupported)
        {
            var sums = Avx2.MultiplyAddAdjacent(Vector256.Create(u), Vector256.Create(w));
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal(u[2 * i] * w[2 * i] + u[2 * i + 1] * w[2 * i + 1], sums.GetElement(i));
                compared++;
            }
        }

        if (Avx512BW.IsSupported)
        {
            var sums = Avx512BW.MultiplyAddAdjacent(Vector512.Create(Vector256.Create(u), Vector256.Create(u)), Vector512.Create(Vector256.Create(w), Vector256.Create(w)));
            for (int i = 0; i < 32; i++)
            {
                Assert.Equal(u[2 * (i % 16)] * w[2 * (i % 16)] + u[2 * (i % 16) + 1] * w[2 * (i % 16) + 1], sums.GetElement(i));
            }
        }

        return compared;
    }

    [Fact]
    public void EveryInt8ConvTakesTheBlockedKernelAndOnlyEightBitOnesHalveTheInput()
    {
        var seven = Plan(new TestModels(5) { SevenBitWeights = true }.FashionCnn());
        Assert.Equal(2, seven.Steps.OfType<Int8BlockedConvStep>().Count());
        Assert.All(seven.Steps.OfType<Int8BlockedConvStep>(), s => Assert.NotNull(s.Pool));
        Assert.All(seven.Steps.OfType<Int8BlockedConvStep>(), s => Assert.False(s.Layout.FullRangeWeights));
        Assert.All(seven.Steps.OfType<Int8DenseStep>(), s => Assert.False(s.FullRangeWeights));

        var eight = Plan(new TestModels(5).FashionCnn());
        Assert.Equal(2, eight.Steps.OfType<Int8BlockedConvStep>().Count());
        Assert.All(eight.Steps.OfType<Int8BlockedConvStep>(), s => Assert.True(s.Layout.FullRangeWeights));
        Assert.All(eight.Steps.OfType<Int8DenseStep>(), s => Assert.True(s.FullRangeWeights));
    }

    /// <summary>
    /// The VNNI kernel's step keeps its accumulators within the 14 of ymm0-15 it budgets for, its vectors divide the
    /// channel blocks and its pixels fit a row; the small-K pointwise convs of the MobileNets get 12-14 accumulators
    /// (not 16, which the JIT moved in and out of ymm16-31 around every vpdpbusd), and a fused pool keeps its window.
    /// </summary>
    [Fact]
    public void VnniStepsFitTheLowRegistersAndPoolsKeepTheirWindow()
    {
        foreach (int columns in new[] { 1, 2, 3, 7, 13, 25, 50, 112 })
        {
            foreach (int blocks in new[] { 1, 2, 3, 4, 6, 10, 20, 80 })
            {
                foreach (int groups in new[] { 1, 4, 24, 144, 360 })
                {
                    var (pixels, vectors) = BlockedConvLowering.VnniShape(blocks, columns, groups, poolPixels: null, fallbackVectors: 1);
                    Assert.InRange(2 * pixels * vectors, 2, BlockedConvLowering.MaxVnniAccumulators);
                    Assert.Equal(0, blocks % vectors);
                    Assert.InRange(pixels, 1, columns);
                }
            }
        }

        Assert.InRange(Accumulators(BlockedConvLowering.VnniShape(4, 50, 4, null, 1)), 12, 14);  // intel-mobilenet b2_expand, K = 16
        Assert.InRange(Accumulators(BlockedConvLowering.VnniShape(6, 112, 4, null, 1)), 12, 14); // MobileNetV2 conv_4, K = 16
        Assert.InRange(Accumulators(BlockedConvLowering.VnniShape(2, 25, 24, null, 1)), 12, 14); // intel-mobilenet b3_project, K = 96
        Assert.Equal(14, Accumulators(BlockedConvLowering.VnniShape(1, 7, 80, null, 1)));        // one block, a 7-wide row
        Assert.Equal((4, 2), BlockedConvLowering.VnniShape(4, 50, 72, poolPixels: 4, fallbackVectors: 2));
    }

    private static int Accumulators((int Pixels, int Vectors) shape) => 2 * shape.Pixels * shape.Vectors;

    /// <summary>The generator's plan of a model, from its text as a build reads it.</summary>
    private static ModelPlan Plan(QModel model) =>
        ModelCompilation.Plan(new ModelSource("/m/" + model.Name + ".qmodel", QModelWriter.Write(model), "N", NotUtf8Line: 0), CancellationToken.None).Plan!;
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The u8 x s8 products for any int8 weight (FullRangeWeights.cs): the halved-input pair products at 512 and 256 bits
/// and <see cref="KernelLibrary.MultiplyAddFullRangeBytes"/> (vpdpbusd, or its emulation under
/// <c>DOTNET_EnableAVXVNNI=0</c>) equal exact integer sums for every (u, w) in [0, 255] x [-128, 127] against the
/// worst partners (255 with -128 and with 127, where one vpmaddubsw would saturate), and on random quadruples.
/// </summary>
public sealed class FullRangeWeightsTests
{
    [Fact]
    public void HalvedInputProductsAreExactForEveryWeight()
    {
        if (!Avx2.IsSupported)
        {
            Assert.DoesNotContain("avx2", VectorPaths.AvailableNames);
            return;
        }

        var random = new Random(13);
        var u = new byte[64];
        var w = new sbyte[64];
        int filled = 0, checkedQuadruples = 0;
        (byte U, sbyte W)[] partners = [(255, -128), (255, 127), (255, -128), (0, 0)];
        for (int u0 = 0; u0 <= 255; u0++)
        {
            for (int w0 = -128; w0 <= 127; w0++)
            {
                // One quadruple: the byte under test, then three worst partners (or a random one last).
                u[filled] = (byte)u0;
                w[filled] = (sbyte)w0;
                for (int p = 1; p < 4; p++)
                {
                    bool randomPartner = p == 3 && (u0 + w0) % 2 == 0;
                    u[filled + p] = randomPartner ? (byte)random.Next(256) : partners[p].U;
                    w[filled + p] = randomPartner ? (sbyte)random.Next(-128, 128) : partners[p].W;
                }

                filled += 4;
                if (filled == 64)
                {
                    checkedQuadruples += Check(u, w);
                    filled = 0;
                }
            }
        }

        Assert.Equal(256 * 256, checkedQuadruples);

        // All bytes at the worst case, both signs: 4 * 255 * -128 and 4 * 255 * 127 per lane.
        Array.Fill(u, (byte)255);
        Array.Fill(w, (sbyte)-128);
        Check(u, w);
        Array.Fill(w, (sbyte)127);
        Check(u, w);
    }

    /// <summary>Every path on 16 quadruples (64 bytes) with a non-zero starting sum; the number of quadruples compared.</summary>
    private static int Check(byte[] u, sbyte[] w)
    {
        var expected = new int[16];
        for (int lane = 0; lane < 16; lane++)
        {
            expected[lane] = 1000 + lane;
            for (int b = 0; b < 4; b++)
            {
                expected[lane] += u[4 * lane + b] * w[4 * lane + b];
            }
        }

        var start = Vector512.Create(Enumerable.Range(0, 16).Select(lane => 1000 + lane).ToArray());
        var u512 = Vector512.Create(u);
        var w512 = Vector512.Create(w);
        if (Avx512BW.IsSupported)
        {
            AssertLanes(expected, KernelLibrary.MultiplyAddHalves(start, KernelLibrary.HighBits(u512), KernelLibrary.LowBit(u512), w512), "512-bit halves");
        }

        var low = KernelLibrary.MultiplyAddHalves(start.GetLower(), KernelLibrary.HighBits(u512.GetLower()), KernelLibrary.LowBit(u512.GetLower()), w512.GetLower());
        var high = KernelLibrary.MultiplyAddHalves(start.GetUpper(), KernelLibrary.HighBits(u512.GetUpper()), KernelLibrary.LowBit(u512.GetUpper()), w512.GetUpper());
        AssertLanes(expected, Vector512.Create(low, high), "256-bit halves");
        var vnni = Vector512.Create(
            KernelLibrary.MultiplyAddFullRangeBytes(start.GetLower(), u512.GetLower(), w512.GetLower()),
            KernelLibrary.MultiplyAddFullRangeBytes(start.GetUpper(), u512.GetUpper(), w512.GetUpper()));
        AssertLanes(expected, vnni, AvxVnni.IsSupported ? "vpdpbusd" : "vpdpbusd emulation");
        return 16;
    }

    private static void AssertLanes(int[] expected, Vector512<int> actual, string path)
    {
        for (int lane = 0; lane < 16; lane++)
        {
            Assert.True(expected[lane] == actual.GetElement(lane), $"{path}, lane {lane}: {actual.GetElement(lane)} instead of {expected[lane]}");
        }
    }
}

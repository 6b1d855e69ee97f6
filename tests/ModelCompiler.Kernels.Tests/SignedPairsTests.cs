using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The AVX2 signed pairs for 8-bit weights in [-127, 127] (SignedPairs.cs): from the uint8 copy u = q + 128,
/// <see cref="KernelLibrary.SignedInput"/>, its vpabsb and <see cref="KernelLibrary.MultiplyAddSignedPairs"/> equal exact
/// integer sums for every (q, w) in [-128, 127] x [-127, 127] against the worst partners (q = -128 with w = ±127, where
/// a pair reaches 2 * 128 * 127 = 32512), and on random quadruples; and a -128 weight breaks them (why the generator
/// keeps such layers off this form).
/// </summary>
public sealed class SignedPairsTests
{
    [Fact]
    public void SignedPairsAreExactForEveryWeightButMinus128()
    {
        if (!Avx2.IsSupported)
        {
            Assert.DoesNotContain("avx2", VectorPaths.AvailableNames);
            return;
        }

        var random = new Random(17);
        var q = new sbyte[32];
        var w = new sbyte[32];
        int filled = 0, checkedQuadruples = 0;
        (sbyte Q, sbyte W)[] partners = [(0, 0), (-128, 127), (-128, -127), (127, -127)];
        for (int q0 = -128; q0 <= 127; q0++)
        {
            for (int w0 = -127; w0 <= 127; w0++)
            {
                // One quadruple: the byte under test, then three worst partners (or a random one last).
                q[filled] = (sbyte)q0;
                w[filled] = (sbyte)w0;
                for (int p = 1; p < 4; p++)
                {
                    bool randomPartner = p == 3 && (q0 + w0) % 2 == 0;
                    q[filled + p] = randomPartner ? (sbyte)random.Next(-128, 128) : partners[p].Q;
                    w[filled + p] = randomPartner ? (sbyte)random.Next(-127, 128) : partners[p].W;
                }

                filled += 4;
                if (filled == 32)
                {
                    Assert.True(Matches(q, w), $"q0 = {q0}, w0 = {w0}");
                    checkedQuadruples += 8;
                    filled = 0;
                }
            }
        }

        Assert.Equal(256 * 255, checkedQuadruples);

        // Every byte at the bound, both signs: 4 * -128 * 127 and 4 * -128 * -127 per lane.
        Array.Fill(q, (sbyte)-128);
        Array.Fill(w, (sbyte)127);
        Assert.True(Matches(q, w));
        Array.Fill(w, (sbyte)-127);
        Assert.True(Matches(q, w));

        // -128 * -128: the sign flip of -128 stays -128 in int8, so the form is wrong there.
        Array.Fill(w, (sbyte)-128);
        Assert.False(Matches(q, w));
    }

    /// <summary>Whether the signed pairs of 8 quadruples (from u = q ^ 0x80, with a non-zero starting sum) equal the exact sums.</summary>
    private static bool Matches(sbyte[] q, sbyte[] w)
    {
        var expected = new int[8];
        var u = new byte[32];
        for (int lane = 0; lane < 8; lane++)
        {
            expected[lane] = 1000 + lane;
            for (int b = 0; b < 4; b++)
            {
                expected[lane] += q[4 * lane + b] * w[4 * lane + b];
                u[4 * lane + b] = (byte)(q[4 * lane + b] + 128);
            }
        }

        var signed = KernelLibrary.SignedInput(Vector256.Create(u));
        var sum = KernelLibrary.MultiplyAddSignedPairs(Vector256.Create(1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007), Avx2.Abs(signed), signed, Vector256.Create(w));
        for (int lane = 0; lane < 8; lane++)
        {
            if (sum.GetElement(lane) != expected[lane])
            {
                return false;
            }
        }

        return true;
    }
}

using System.Runtime.Intrinsics.X86;
using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// CI runs the bit-exactness suites again with AVX-VNNI, with AVX-512 and with AVX2 disabled, so that the emulated
/// vpdpbusd, the AVX2 and the 128-bit paths run as the only ones on a machine that has wider ones. This test runs in those runs and fails if the switch did
/// not take effect, so a reduced run cannot quietly test the full instruction set. (.NET 10 reads
/// <c>DOTNET_EnableAVX512=0</c>; the older <c>DOTNET_EnableAVX512F=0</c> is ignored by it, which this test caught.)
/// </summary>
public sealed class ReducedInstructionSetTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void DisabledInstructionSetsAreOffAndThePathsSaySo()
    {
        output.WriteLine("vector paths this process runs: " + string.Join(", ", VectorPaths.AvailableNames));
        foreach (var knob in new[] { "DOTNET_EnableAVX512", "DOTNET_EnableAVX512F" }.Where(k => Environment.GetEnvironmentVariable(k) == "0"))
        {
            Assert.False(Avx512F.IsSupported, $"{knob}=0 is set but AVX-512F is still reported (.NET 10 reads DOTNET_EnableAVX512)");
            Assert.DoesNotContain("avx512", VectorPaths.AvailableNames);
        }

        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVXVNNI") == "0")
        {
            Assert.False(AvxVnni.IsSupported, "DOTNET_EnableAVXVNNI=0 is set but AVX-VNNI is still reported");
            Assert.DoesNotContain("+avx512vnni+", "+" + VectorPaths.Description + "+");
        }

        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0")
        {
            Assert.False(Avx2.IsSupported, "DOTNET_EnableAVX2=0 is set but AVX2 is still reported");
            Assert.False(Avx512F.IsSupported, "AVX-512 without AVX2");
            Assert.DoesNotContain("avx2", VectorPaths.AvailableNames);
        }

        Assert.Contains("scalar", VectorPaths.AvailableNames);
    }
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Testing;

/// <summary>
/// The vector paths of the kernels and whether this process can run each one. A kernel asked for a width the CPU (or
/// the runtime, under <c>DOTNET_EnableAVX512F=0</c> / <c>DOTNET_EnableAVX2=0</c>) does not offer falls back to a
/// narrower path, so tests take their paths from <see cref="Available"/> and name them: a test never claims a wider
/// path than it ran. CI runs the suite again with AVX-512 and with AVX2 disabled, so that every path runs on any
/// x86-64 machine (see .ci/run). The <c>avx512vnni</c> path (the AVX-512 kernels shaped for vpdpbusd) runs wherever
/// AVX-512 does: with the instruction on CPUs with AVX-VNNI, with its exact emulation elsewhere and under
/// <c>DOTNET_EnableAVXVNNI=0</c> (CI's first reduced rerun); <see cref="Description"/> says which.
/// </summary>
public static class VectorPaths
{
    /// <summary>Each path's name and the <c>vectorBits</c> that asks for it.</summary>
    public static readonly (string Name, int Bits)[] All = [("avx512vnni", 513), ("avx512", 512), ("avx2", 256), ("vector128", 128), ("scalar", 0)];

    /// <summary>
    /// Whether asking for <paramref name="bits"/> runs that width's code in every kernel: AVX-512BW with 512-bit
    /// vectors accelerated; AVX2 with 256-bit ones; 128-bit vectors with SSE4.1 (the int8 kernels' 128-bit path is
    /// SSE4.1; the portable Vector128 ones need only the acceleration); the scalar path always.
    /// </summary>
    public static bool IsAvailable(int bits) => bits switch
    {
        513 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated && Avx2.IsSupported,
        512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated,
        256 => Avx2.IsSupported && Vector256.IsHardwareAccelerated,
        128 => Vector128.IsHardwareAccelerated && Sse41.IsSupported,
        _ => true,
    };

    /// <summary>
    /// The paths named in <c>MODELCOMPILER_VECTOR_PATHS</c> (comma-separated), or null for every available one. CI's
    /// reduced-instruction-set reruns of the generator's bit-exactness suites name only the path their switch
    /// uncovers: the other paths ran in the main run, and the slow scalar one does not change with the switch.
    /// </summary>
    public static IReadOnlyList<string>? Requested { get; } = ParseRequested(Environment.GetEnvironmentVariable("MODELCOMPILER_VECTOR_PATHS"));

    /// <summary>The names of the paths this process runs, widest first.</summary>
    public static IEnumerable<string> AvailableNames => Selected;

    // Computed once: the switches and the environment variable do not change while a process runs.
    private static readonly string[] Selected = Select();

    private static string[] Select()
    {
        foreach (string name in Requested ?? [])
        {
            if (!All.Any(p => p.Name == name && IsAvailable(p.Bits)))
            {
                throw new InvalidOperationException(
                    $"MODELCOMPILER_VECTOR_PATHS asks for the path '{name}', which this process cannot run (paths: {string.Join(", ", All.Where(p => IsAvailable(p.Bits)).Select(p => p.Name))})");
            }
        }

        return [.. All.Where(p => IsAvailable(p.Bits) && (Requested is null || Requested.Contains(p.Name))).Select(p => p.Name)];
    }

    /// <summary>The available paths as theory data (xunit's <c>MemberData</c>): one row per path, its name.</summary>
    public static IEnumerable<object[]> Available => AvailableNames.Select(name => new object[] { name });

    /// <summary>
    /// The available paths, as a test name shows them: <c>avx512vnni+avx512+avx2+vector128+scalar</c>, with
    /// <c>avx512vnni-emulated</c> where the CPU (or <c>DOTNET_EnableAVXVNNI=0</c>) has no vpdpbusd.
    /// </summary>
    public static string Description => string.Join("+", AvailableNames.Select(n => n == "avx512vnni" && !AvxVnni.IsSupported ? "avx512vnni-emulated" : n));

    /// <summary>The <c>vectorBits</c> a model runs with when nothing lowers it: the widest available path.</summary>
    public static int WidestBits => AvailableBits.First();

    /// <summary>The <c>vectorBits</c> of each available path, widest first.</summary>
    public static IEnumerable<int> AvailableBits => AvailableNames.Select(Bits);

    public static int Bits(string name) => All.Single(p => p.Name == name).Bits;

    private static string[]? ParseRequested(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

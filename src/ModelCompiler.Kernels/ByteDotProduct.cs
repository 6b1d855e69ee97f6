using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// The <c>vectorBits</c> that asks for the AVX-512 kernels whose u8 x s8 products go through
    /// <see cref="MultiplyAddBytes"/> (vpdpbusd) instead of vpmaddubsw + vpmaddwd + vpaddd. Above 512 so that every
    /// <c>vectorBits &gt;= 512</c> test still picks the AVX-512 code of the kernels that have no such variant.
    /// .NET 10 offers vpdpbusd only as the 256-bit <see cref="AvxVnni"/> (no 512-bit form), so these kernels keep each
    /// 16-channel accumulator as two 8-lane halves and requantize the joined 512-bit vector.
    /// </summary>
    internal const int Avx512VnniBits = 513;

    /// <summary>
    /// The widest path worth running on this CPU, the generated models' default <c>VectorBits</c>:
    /// <see cref="Avx512VnniBits"/> when the CPU has AVX-512BW and AVX-VNNI, else 512 (each kernel then takes the
    /// widest path the CPU has). Not under Native AOT: there AVX-VNNI is an optimistic instruction set whose
    /// <c>IsSupported</c> is a run-time test at every use (dotnet/runtime#63563) unless the build requires it, and the
    /// VNNI kernels ran the AOT Fashion sample 1.3-2.9x slower than the AVX-512 ones (benchmarks/run.sh); a user who
    /// publishes for AVX-VNNI can still set <c>VectorBits = 513</c>.
    /// </summary>
    internal static int WidestVectorBits =>
        Avx512BW.IsSupported && AvxVnni.IsSupported && RuntimeFeature.IsDynamicCodeCompiled ? Avx512VnniBits : 512;

    /// <summary>
    /// <paramref name="sum"/> + Σ over each lane's 4 bytes of u[i] * w[i] (u8 x s8), int32 wrapping: one vpdpbusd when
    /// the CPU has AVX-VNNI, else the same sums from vpmaddubsw + vpmaddwd + vpaddd, which is exact only while no
    /// pair of products saturates int16, i.e. for weights in [-64, 63] (every caller's weights are; see
    /// BlockedConvLowering.Applies). The emulation lets the VNNI-shaped kernels run and be tested on any AVX2 CPU
    /// (and under <c>DOTNET_EnableAVXVNNI=0</c> on VNNI ones).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> MultiplyAddBytes(Vector256<int> sum, Vector256<byte> u, Vector256<sbyte> w) =>
        AvxVnni.IsSupported
            ? AvxVnni.MultiplyWideningAndAdd(sum, u, w)
            : Avx2.Add(sum, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, w), Vector256.Create((short)1)));
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    // The AVX2 blocked convolution's form for 8-bit weights in [-127, 127] (no -128; TFLite's int8 weights never are)
    // on the signed input x: x * w = |x| * (sign(x) * w). |x| is in [0, 128] and fits uint8 (vpabsb of -128 is 0x80,
    // 128 read as unsigned); sign(x) * w (vpsignb) is in [-127, 127] and fits int8 because w != -128. One vpmaddubsw
    // pair is then at most 2 * 128 * 127 = 32512 <= 32767 in magnitude, so it never saturates, and vpmaddwd by 1
    // widens it exactly to int32: the same sums as the widened int16 products, with the weights kept as bytes.

    /// <summary>The signed input bytes of a broadcast of the kernel's uint8 copy (q + 128): q = u ^ 0x80.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<sbyte> SignedInput(Vector256<byte> u) => (u ^ Vector256.Create((byte)0x80)).AsSByte();

    /// <summary>
    /// <paramref name="sum"/> + Σ over each int32 lane's 4 bytes of x * w for signed x and w in [-127, 127], exactly:
    /// <paramref name="magnitude"/> is |x| (vpabsb, computed once per broadcast), <paramref name="signs"/> is x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> MultiplyAddSignedPairs(Vector256<int> sum, Vector256<byte> magnitude, Vector256<sbyte> signs, Vector256<sbyte> w) =>
        Avx2.Add(sum, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(w, signs)), Vector256.Create((short)1)));
}

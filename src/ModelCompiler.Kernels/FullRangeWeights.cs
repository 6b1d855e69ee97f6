using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

/// <summary>Type argument of the uint8-input kernels: every weight in [-64, 63], pairs of products fit int16.</summary>
internal readonly struct SevenBitWeights
{
}

/// <summary>Type argument of the uint8-input kernels: weights anywhere in [-128, 127], the input is halved first.</summary>
internal readonly struct FullRangeWeights
{
}

internal static partial class KernelLibrary
{
    // u8 x s8 dot products exact for every int8 weight, [-128, 127] (what TFLite and ONNX models hold), on the
    // instructions that pair products in int16. vpmaddubsw saturates a pair sum u0*w0 + u1*w1 to int16, which
    // 2 * 255 * -128 = -65280 overflows; so the uint8 operand is halved instead: u = 2h + l with h = u >> 1 in
    // [0, 127] and l = u & 1 in {0, 1}. Then |h0*w0 + h1*w1| <= 2 * 127 * 128 = 32512 and |l0*w0 + l1*w1| <= 256 both
    // fit int16, vpmaddwd widens each pair sum exactly to int32 (by 2 for h, by 1 for l), and
    // Σ u*w = 2 Σ h*w + Σ l*w. The halving is per input byte, so a kernel computes it once per broadcast and shares it
    // across all its channel vectors. vpdpbusd (AVX-VNNI) sums the four u8 x s8 products in int32 and needs no split.

    /// <summary>The high seven bits of each byte, <c>u &gt;&gt; 1</c> (in [0, 127]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<byte> HighBits(Vector512<byte> u) => Vector512.ShiftRightLogical(u.AsUInt16(), 1).AsByte() & Vector512.Create((byte)0x7F);

    /// <summary>The low bit of each byte, <c>u &amp; 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<byte> LowBit(Vector512<byte> u) => u & Vector512.Create((byte)1);

    /// <inheritdoc cref="HighBits(Vector512{byte})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> HighBits(Vector256<byte> u) => Vector256.ShiftRightLogical(u.AsUInt16(), 1).AsByte() & Vector256.Create((byte)0x7F);

    /// <inheritdoc cref="LowBit(Vector512{byte})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> LowBit(Vector256<byte> u) => u & Vector256.Create((byte)1);

    /// <summary>
    /// <paramref name="sum"/> + Σ over each int32 lane's 4 bytes of u * w, exactly for any int8 w, from the halves of u
    /// (<see cref="HighBits(Vector512{byte})"/>, <see cref="LowBit(Vector512{byte})"/>): 2 Σ h*w + Σ l*w.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> MultiplyAddHalves(Vector512<int> sum, Vector512<byte> high, Vector512<byte> low, Vector512<sbyte> w) =>
        Avx512F.Add(
            Avx512F.Add(sum, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(high, w), Vector512.Create((short)2))),
            Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(low, w), Vector512.Create((short)1)));

    /// <inheritdoc cref="MultiplyAddHalves(Vector512{int}, Vector512{byte}, Vector512{byte}, Vector512{sbyte})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> MultiplyAddHalves(Vector256<int> sum, Vector256<byte> high, Vector256<byte> low, Vector256<sbyte> w) =>
        Avx2.Add(
            Avx2.Add(sum, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(high, w), Vector256.Create((short)2))),
            Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(low, w), Vector256.Create((short)1)));

    /// <summary>
    /// <see cref="MultiplyAddBytes"/> for any int8 weight: one vpdpbusd with AVX-VNNI (exact as it is), else the
    /// halved-input emulation (<see cref="MultiplyAddHalves(Vector256{int}, Vector256{byte}, Vector256{byte}, Vector256{sbyte})"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> MultiplyAddFullRangeBytes(Vector256<int> sum, Vector256<byte> u, Vector256<sbyte> w) =>
        AvxVnni.IsSupported
            ? AvxVnni.MultiplyWideningAndAdd(sum, u, w)
            : MultiplyAddHalves(sum, HighBits(u), LowBit(u), w);

    /// <summary>
    /// The AVX2 blocked convolution's other exact form for any int8 weight: vpmaddwd on int16 operands (no pair can
    /// saturate: |255 * -128 * 2| &lt; 2^31), one instruction per 8 lanes x 2 bytes instead of the four of
    /// <see cref="MultiplyAddHalves(Vector256{int}, Vector256{byte}, Vector256{byte}, Vector256{sbyte})"/> per 8 lanes x 4.
    /// This widens a broadcast of 4 input bytes to int16 pairs, (u0, u1) in the even int32 lanes and (u2, u3) in the
    /// odd ones (one vpshufb), to meet 4 channels' weights widened by vpmovsxbw from their packed [channel][4] bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<short> WidenPairs(Vector256<byte> u) => Avx2.Shuffle(u, Vector256.Create(0x8003_8002_8001_8000UL).AsByte()).AsInt16();

    /// <summary>
    /// 8 channels' int32 sums from two accumulators of <see cref="WidenPairs"/> products, each holding 4 channels as
    /// (bytes 0-1, bytes 2-3) partial pairs: vphaddd adds the partials (channels 0 1 4 5 | 2 3 6 7), vpermq orders them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> JoinQuarters(Vector256<int> first, Vector256<int> second) =>
        Avx2.Permute4x64(Avx2.HorizontalAdd(first, second).AsInt64(), 0b11_01_10_00).AsInt32();

    /// <summary><see cref="MultiplyAddBytes"/> or <see cref="MultiplyAddFullRangeBytes"/>, as <typeparamref name="TWeights"/> says.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> MultiplyAddBytes<TWeights>(Vector256<int> sum, Vector256<byte> u, Vector256<sbyte> w)
        where TWeights : struct =>
        typeof(TWeights) == typeof(FullRangeWeights) ? MultiplyAddFullRangeBytes(sum, u, w) : MultiplyAddBytes(sum, u, w);

    /// <summary>
    /// The AVX-512BW dense loop for full-range weights: four units at a time share each 64-byte input load and its
    /// halves; returns the number of units done (a multiple of 4), the caller finishes the rest.
    /// </summary>
    private static int DenseHalves512<TRounding>(ref byte x, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref sbyte output, int units, int paddedLength, int zeroPoint, int min, int max)
        where TRounding : struct
    {
        int u = 0;
        for (; u + 4 <= units; u += 4)
        {
            ref sbyte w = ref Unsafe.Add(ref weights, u * paddedLength);
            Vector512<int> a0 = Vector512<int>.Zero, a1 = Vector512<int>.Zero, a2 = Vector512<int>.Zero, a3 = Vector512<int>.Zero;
            for (int i = 0; i < paddedLength; i += 64)
            {
                Vector512<byte> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                Vector512<byte> high = HighBits(v), low = LowBit(v);
                a0 = MultiplyAddHalves(a0, high, low, Vector512.LoadUnsafe(ref w, (nuint)i));
                a1 = MultiplyAddHalves(a1, high, low, Vector512.LoadUnsafe(ref w, (nuint)(i + paddedLength)));
                a2 = MultiplyAddHalves(a2, high, low, Vector512.LoadUnsafe(ref w, (nuint)(i + 2 * paddedLength)));
                a3 = MultiplyAddHalves(a3, high, low, Vector512.LoadUnsafe(ref w, (nuint)(i + 3 * paddedLength)));
            }

            StoreUnit<TRounding>(u, Vector512.Sum(a0), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
            StoreUnit<TRounding>(u + 1, Vector512.Sum(a1), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
            StoreUnit<TRounding>(u + 2, Vector512.Sum(a2), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
            StoreUnit<TRounding>(u + 3, Vector512.Sum(a3), ref bias, ref multipliers, ref shifts, ref output, zeroPoint, min, max);
        }

        return u;
    }

    /// <summary>Σ x[i] * w[i] for uint8 x and any int8 w over a row padded to 64, on the halved input (AVX-512BW or AVX2).</summary>
    private static int DotHalves(ref byte x, ref sbyte w, int paddedLength, int vectorBits)
    {
        if (vectorBits >= 512 && Avx512BW.IsSupported)
        {
            Vector512<int> a = Vector512<int>.Zero;
            for (int i = 0; i < paddedLength; i += 64)
            {
                Vector512<byte> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                a = MultiplyAddHalves(a, HighBits(v), LowBit(v), Vector512.LoadUnsafe(ref w, (nuint)i));
            }

            return Vector512.Sum(a);
        }

        Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero;
        for (int i = 0; i < paddedLength; i += 64)
        {
            Vector256<byte> v0 = Vector256.LoadUnsafe(ref x, (nuint)i), v1 = Vector256.LoadUnsafe(ref x, (nuint)(i + 32));
            a0 = MultiplyAddHalves(a0, HighBits(v0), LowBit(v0), Vector256.LoadUnsafe(ref w, (nuint)i));
            a1 = MultiplyAddHalves(a1, HighBits(v1), LowBit(v1), Vector256.LoadUnsafe(ref w, (nuint)(i + 32)));
        }

        return Vector256.Sum(Avx2.Add(a0, a1));
    }
}

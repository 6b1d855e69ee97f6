using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Whether <see cref="DepthwiseConvInt8{TRounding}"/> takes <see cref="DepthwiseConv3x3WidenedRows{TRounding}"/>: a 3x3
    /// kernel (MobileNet's) of stride 1, channels in blocks of 16 and the AVX-512 path, rows narrow enough for three
    /// widened rows of one block on the stack (<see cref="WidenedRowsMaxWidth"/>). Stride 2 stays on the cell-pair path:
    /// there each input row serves fewer outputs, and widening it costs more than it saves (measured 1.1-1.5x slower).
    /// </summary>
    private static bool TakesWidenedRows(int vectorBits, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int channels, int inputWidth) =>
        vectorBits >= 512 && Avx512BW.IsSupported && kernelHeight == 3 && kernelWidth == 3 && strideHeight == 1 && strideWidth == 1
        && channels % 16 == 0 && inputWidth <= WidenedRowsMaxWidth;

    /// <summary>Input rows up to 160 pixels (MobileNetV2 at 224x224 has 114): three widened rows of 16 channels are then at most 30 KB of stack.</summary>
    private const int WidenedRowsMaxWidth = 160;

    /// <summary>
    /// <see cref="DepthwiseConvInt8{TRounding}"/> for a 3x3 kernel of stride 1 over 16-channel blocks with AVX-512, widening each input
    /// row once instead of once per kernel cell. For each block of 16 channels, input row r is widened into
    /// <c>pairs[x]</c>: per channel one int32 lane whose low int16 is <c>in[r][x][c]</c> and high int16 <c>in[r][x + 1][c]</c>
    /// (0 past the row's end). Then one vpmaddwd of <c>pairs[ox]</c> with the interleaved weights (w[ky][0], w[ky][1])
    /// is the kernel row's first two products summed, exactly in int32, and one of <c>pairs[ox + 2]</c> with (w[ky][2], 0)
    /// the third: six plain loads and vpmaddwd per output vector instead of nine sign extensions. Each input row is widened
    /// once per block and kept for the three output rows that read it (three slots, row r in slot r mod 3); the
    /// accumulators start at the bias, four output pixels at a time (independent chains), and the six weight vectors
    /// stay in registers. Requantization is <see cref="Requantize16{TRounding}"/>'s (the sums wrap in int32 like the scalar
    /// rule's: addition is the same modulo 2^32 in any order).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DepthwiseConv3x3WidenedRows<TRounding>(
        ref sbyte input, ref sbyte weights, ref int bias, ref int multipliers, ref long constants, ref sbyte output,
        int inputWidth, int channels, int outputHeight, int outputWidth, int zeroPoint, int min, int max, bool narrow)
        where TRounding : struct
    {
        Span<int> slots = stackalloc int[3 * 16 * inputWidth];
        ref int rows = ref MemoryMarshal.GetReference(slots);
        int rowInts = 16 * inputWidth;
        for (int c = 0; c < channels; c += 16)
        {
            var (w00, w01) = WeightPairs(ref Unsafe.Add(ref weights, c), channels);
            var (w10, w11) = WeightPairs(ref Unsafe.Add(ref weights, (3 * channels) + c), channels);
            var (w20, w21) = WeightPairs(ref Unsafe.Add(ref weights, (6 * channels) + c), channels);
            Vector512<int> b = Vector512.LoadUnsafe(ref bias, (nuint)c);
            for (int oy = 0; oy < outputHeight; oy++)
            {
                // Output row oy reads input rows oy to oy + 2: all three for the first, then the one that is new.
                for (int r = oy == 0 ? 0 : oy + 2; r <= oy + 2; r++)
                {
                    WidenRowPairs(ref Unsafe.Add(ref input, (r * inputWidth * channels) + c), ref Unsafe.Add(ref rows, r % 3 * rowInts), inputWidth, channels);
                }

                ref int row0 = ref Unsafe.Add(ref rows, oy % 3 * rowInts);
                ref int row1 = ref Unsafe.Add(ref rows, (oy + 1) % 3 * rowInts);
                ref int row2 = ref Unsafe.Add(ref rows, (oy + 2) % 3 * rowInts);
                ref sbyte y = ref Unsafe.Add(ref output, (oy * outputWidth * channels) + c);
                const int step = 16;
                int ox = 0;
                for (; ox + 4 <= outputWidth; ox += 4)
                {
                    int at = ox * step;
                    Vector512<int> a0 = b, a1 = b, a2 = b, a3 = b;
                    a0 = PixelRows(a0, ref Unsafe.Add(ref row0, at), ref Unsafe.Add(ref row1, at), ref Unsafe.Add(ref row2, at), w00, w01, w10, w11, w20, w21);
                    a1 = PixelRows(a1, ref Unsafe.Add(ref row0, at + step), ref Unsafe.Add(ref row1, at + step), ref Unsafe.Add(ref row2, at + step), w00, w01, w10, w11, w20, w21);
                    a2 = PixelRows(a2, ref Unsafe.Add(ref row0, at + (2 * step)), ref Unsafe.Add(ref row1, at + (2 * step)), ref Unsafe.Add(ref row2, at + (2 * step)), w00, w01, w10, w11, w20, w21);
                    a3 = PixelRows(a3, ref Unsafe.Add(ref row0, at + (3 * step)), ref Unsafe.Add(ref row1, at + (3 * step)), ref Unsafe.Add(ref row2, at + (3 * step)), w00, w01, w10, w11, w20, w21);
                    ref sbyte target = ref Unsafe.Add(ref y, ox * channels);
                    Requantize16<TRounding>(a0, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref target);
                    Requantize16<TRounding>(a1, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref target, channels));
                    Requantize16<TRounding>(a2, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref target, 2 * channels));
                    Requantize16<TRounding>(a3, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref target, 3 * channels));
                }

                for (; ox < outputWidth; ox++)
                {
                    int at = ox * step;
                    Vector512<int> a = PixelRows(b, ref Unsafe.Add(ref row0, at), ref Unsafe.Add(ref row1, at), ref Unsafe.Add(ref row2, at), w00, w01, w10, w11, w20, w21);
                    Requantize16<TRounding>(a, ref multipliers, ref constants, c, zeroPoint, min, max, narrow, ref Unsafe.Add(ref y, ox * channels));
                }
            }
        }
    }

    /// <summary>One output pixel's 16 channels: <paramref name="acc"/> plus the three kernel rows' products (two vpmaddwd each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> PixelRows(
        Vector512<int> acc, ref int row0, ref int row1, ref int row2,
        Vector512<short> w00, Vector512<short> w01, Vector512<short> w10, Vector512<short> w11, Vector512<short> w20, Vector512<short> w21)
    {
        acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref row0).AsInt16(), w00);
        acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref row0, 32).AsInt16(), w01);
        acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref row1).AsInt16(), w10);
        acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref row1, 32).AsInt16(), w11);
        acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref row2).AsInt16(), w20);
        acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref row2, 32).AsInt16(), w21);
        return acc;
    }

    /// <summary>
    /// One kernel row's weights of 16 channels as vpmaddwd operands matching <see cref="WidenRowPairs"/>: (w[0], w[1]) and
    /// (w[2], 0) in the low and high int16 of each channel's int32 lane. <paramref name="weights"/> is the row's first cell at the block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<short> First, Vector512<short> Third) WeightPairs(ref sbyte weights, int channels)
    {
        Vector512<int> low = Vector512.Create(0xFFFF);
        Vector512<int> w0 = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref weights));
        Vector512<int> w1 = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, channels)));
        Vector512<int> w2 = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, 2 * channels)));
        return (((w0 & low) | Avx512F.ShiftLeftLogical(w1, 16)).AsInt16(), (w2 & low).AsInt16());
    }

    /// <summary>
    /// One input row's 16 channels at <paramref name="row"/> (pixels <paramref name="channels"/> bytes apart) as the int32
    /// lanes of <see cref="DepthwiseConv3x3WidenedRows{TRounding}"/>: pixel x's low int16 and pixel x + 1's high int16,
    /// 0 for the high half of the last pixel (its weight is 0, and nothing past the row is read).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WidenRowPairs(ref sbyte row, ref int pairs, int width, int channels)
    {
        Vector512<int> low = Vector512.Create(0xFFFF);
        Vector512<int> previous = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref row));
        for (int x = 1; x < width; x++)
        {
            Vector512<int> current = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref row, x * channels)));
            ((previous & low) | Avx512F.ShiftLeftLogical(current, 16)).StoreUnsafe(ref pairs, (nuint)((x - 1) * 16));
            previous = current;
        }

        (previous & low).StoreUnsafe(ref pairs, (nuint)((width - 1) * 16));
    }
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>Windows over up to 160 input columns (MobileNetV2 at 224x224 has 114): 128 bytes a column, at most 20 KB of stack.</summary>
    private const int Avx2ByteQuadsMaxColumns = 160;

    /// <summary>
    /// Whether the AVX2 path takes <see cref="DepthwiseAvx2ByteQuads{TRounding}"/>: a 3x3 kernel (MobileNet's) of
    /// horizontal stride 1 or 2, the narrow requantization, channels in blocks of 32 or a 16-channel layer of stride 1
    /// and an even output width (two pixels as 32 lanes, <paramref name="pixelPairs"/>), windows over at most
    /// <see cref="Avx2ByteQuadsMaxColumns"/> input columns, and weights with which vpmaddubsw cannot saturate
    /// (<see cref="ByteQuadsAreExact"/>).
    /// </summary>
    private static bool TakesAvx2ByteQuads(
        ref sbyte weights, int kernelHeight, int kernelWidth, int strideWidth, int channels, int outputWidth, bool narrow, out bool pixelPairs)
    {
        pixelPairs = channels == 16 && strideWidth == 1 && outputWidth % 2 == 0;
        return narrow && kernelHeight == 3 && kernelWidth == 3 && (strideWidth == 1 || strideWidth == 2) && (channels % 32 == 0 || pixelPairs)
            && Avx2ByteQuadsColumns(strideWidth, outputWidth, pixelPairs) <= Avx2ByteQuadsMaxColumns && ByteQuadsAreExact(ref weights, channels);
    }

    /// <summary>
    /// <see cref="DepthwiseConvInt8{TRounding}"/> of an input whose border (<paramref name="top"/>,
    /// <paramref name="bottom"/>, <paramref name="left"/>, <paramref name="right"/> cells of <paramref name="fill"/>, the
    /// input zero point) is not in place: where the AVX2 path takes <see cref="DepthwiseAvx2ByteQuads{TRounding}"/>, that
    /// kernel reads the border as the fill itself and <paramref name="padded"/> is not touched; every other path gets the
    /// padded copy (<see cref="ZeroPad"/> into <paramref name="padded"/>) first, as before. The copy was about a tenth of
    /// the byte-quad kernel's time (MobileNet's depthwise inputs are its largest tensors).
    /// </summary>
    internal static void DepthwiseConvInt8WithBorder<TRounding>(
        ref sbyte input, ref sbyte padded, int inputHeight, int inputWidth, int top, int bottom, int left, int right, sbyte fill,
        ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref long constants, ref sbyte output, ref int staged,
        int channels, int outputHeight, int outputWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int zeroPoint, int min, int max, bool narrowRequantization, int vectorBits)
        where TRounding : struct
    {
        if (!(vectorBits >= 512 && Avx512BW.IsSupported) && vectorBits >= 256 && Avx2.IsSupported
            && TakesAvx2ByteQuads(ref weights, kernelHeight, kernelWidth, strideWidth, channels, outputWidth, narrowRequantization, out bool pixelPairs))
        {
            DepthwiseAvx2ByteQuads<TRounding>(
                ref input, ref weights, ref bias, ref constants, ref output, inputHeight, inputWidth, top, left, fill,
                channels, outputHeight, outputWidth, strideHeight, strideWidth, min, max, pixelPairs);
            return;
        }

        // The byte-quad question does not depend on the input: the padded path is told the answer instead of scanning
        // the weights again (it asks only under the same AVX2 condition as above).
        ZeroPad(ref Unsafe.As<sbyte, byte>(ref input), ref Unsafe.As<sbyte, byte>(ref padded), inputHeight, inputWidth, channels, top, bottom, left, right, fill, vectorBits);
        DepthwiseConvInt8<TRounding>(
            ref padded, ref weights, ref bias, ref multipliers, ref shifts, ref constants, ref output, ref staged, left + inputWidth + right, channels,
            outputHeight, outputWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, zeroPoint, min, max, narrowRequantization, vectorBits,
            byteQuadsRuledOut: true);
    }

    /// <summary>The input columns one output row's windows read (with pixel pairs, 32-byte columns: j and j + 1).</summary>
    private static int Avx2ByteQuadsColumns(int strideWidth, int outputWidth, bool pixelPairs) =>
        pixelPairs ? outputWidth + 1 : ((outputWidth - 1) * strideWidth) + 3;

    /// <summary>
    /// Whether vpmaddubsw's int16 sum of two products, <c>u0 * w[0][k] + u1 * w[1][k]</c> with inputs u in [0, 255], is
    /// exact for every channel and kernel column k: the positive weights of each such pair sum to at most 128 and the
    /// negative ones to at least -128 (255 * 128 = 32640 and -32640 lie inside int16). Always so for 7-bit weights;
    /// the third row's cell is paired with a zero weight and cannot saturate.
    /// </summary>
    private static bool ByteQuadsAreExact(ref sbyte weights, int channels)
    {
        Vector128<byte> limit = Vector128.Create((byte)128), beyond = Vector128<byte>.Zero;
        for (int k = 0; k < 3; k++)
        {
            for (int c = 0; c < channels; c += 16)
            {
                Vector128<sbyte> first = Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, (k * channels) + c));
                Vector128<sbyte> second = Vector128.LoadUnsafe(ref Unsafe.Add(ref weights, ((3 + k) * channels) + c));
                // Each part is at most 128 as a byte (0 - -128 wraps to 128); the saturating sum keeps larger sums above 128.
                Vector128<byte> positive = Sse2.AddSaturate(Vector128.Max(first, Vector128<sbyte>.Zero).AsByte(), Vector128.Max(second, Vector128<sbyte>.Zero).AsByte());
                Vector128<byte> negative = Sse2.AddSaturate(
                    (Vector128<sbyte>.Zero - Vector128.Min(first, Vector128<sbyte>.Zero)).AsByte(), (Vector128<sbyte>.Zero - Vector128.Min(second, Vector128<sbyte>.Zero)).AsByte());
                beyond |= Vector128.GreaterThan(positive, limit) | Vector128.GreaterThan(negative, limit);
            }
        }

        return beyond == Vector128<byte>.Zero;
    }

    /// <summary>
    /// The AVX2 path for a 3x3 kernel with vpmaddubsw: 32 lanes a step (channels c to c + 31, or with
    /// <paramref name="pixelPairs"/> a 16-channel layer's two neighbouring pixels), the input flipped to unsigned
    /// (<c>x + 128</c>; the bias takes <c>- 128 * sum(w)</c>, so the sums are the same modulo 2^32). For each output row,
    /// a first pass interleaves each input column's three cells once into bytes (row 0, row 1, row 2, 0) per lane: four
    /// vectors per 32 lanes (vpunpcklbw/hbw, then vpunpcklwd/hwd, within 128-bit lanes: lanes 0-3 and 16-19 of the 32,
    /// then 4-7 and 20-23, 8-11 and 24-27, 12-15 and 28-31). Then a window is per vector three vpmaddubsw with the weights
    /// interleaved alike, (w[0][k], w[1][k], w[2][k], 0), each followed by vpmaddwd with ones: exact in int32 when
    /// <see cref="ByteQuadsAreExact"/>. The bias and the narrow table are put in the vectors' order once per block, and
    /// vpackssdw of the first two with vpackssdw of the last two, then vpacksswb, land in lane order by themselves.
    /// <para>
    /// The input may lack its border: <paramref name="top"/> rows above and <paramref name="left"/> columns left of
    /// <paramref name="input"/> (<paramref name="inputHeight"/> x <paramref name="inputWidth"/> pixels), and every cell
    /// beyond it, read as <paramref name="fill"/> (the input zero point) in the interleaving pass, so no padded copy is
    /// needed. A row outside the input is read from a 32-byte vector of the fill with a column step of 0; a column
    /// whose 16-byte halves are not both inside (the border columns) is put together half by half.
    /// </para>
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DepthwiseAvx2ByteQuads<TRounding>(
        ref sbyte input, ref sbyte weights, ref int bias, ref long constants, ref sbyte output,
        int inputHeight, int inputWidth, int top, int left, sbyte fill,
        int channels, int outputHeight, int outputWidth, int strideHeight, int strideWidth, int min, int max, bool pixelPairs)
        where TRounding : struct
    {
        int rowBytes = inputWidth * channels, columns = Avx2ByteQuadsColumns(strideWidth, outputWidth, pixelPairs), pixels = pixelPairs ? 2 : 1;
        Span<byte> interleaved = stackalloc byte[128 * columns];
        Span<sbyte> quadWeights = stackalloc sbyte[384];
        Span<long> table = stackalloc long[96];
        ref byte quads = ref MemoryMarshal.GetReference(interleaved);
        ref sbyte w = ref MemoryMarshal.GetReference(quadWeights);
        ref long firstTable = ref MemoryMarshal.GetReference(table);
        ref long secondTable = ref Unsafe.Add(ref firstTable, 48);
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<sbyte> flip = Vector256.Create(sbyte.MinValue);
        Vector256<sbyte> fillLanes = Vector256.Create(fill);
        ref sbyte fillRow = ref Unsafe.As<Vector256<sbyte>, sbyte>(ref fillLanes);

        // The columns whose two halves both lie inside the input (the pair's second pixel too): [inside, insideEnd).
        int inside = Math.Min(left, columns), insideEnd = Math.Max(inside, Math.Min(columns, inputWidth + left - (pixelPairs ? 1 : 0)));
        for (int c = 0; c < channels; c += 32)
        {
            // Lanes 16-31 are channels c + 16 to c + 31, or with pixel pairs the next pixel's channels c to c + 15.
            int upper = pixelPairs ? c : c + 16;
            for (int k = 0; k < 3; k++)
            {
                var (q0, q1, q2, q3) = ByteQuads(
                    Lanes32(ref weights, (k * channels) + c, pixelPairs), Lanes32(ref weights, ((3 + k) * channels) + c, pixelPairs), Lanes32(ref weights, ((6 + k) * channels) + c, pixelPairs));
                q0.StoreUnsafe(ref w, (nuint)(128 * k));
                q1.StoreUnsafe(ref w, (nuint)((128 * k) + 32));
                q2.StoreUnsafe(ref w, (nuint)((128 * k) + 64));
                q3.StoreUnsafe(ref w, (nuint)((128 * k) + 96));
            }

            // The bias in the vectors' order, less 128 * sum(w) (the windows' sums with every input 1, times 128).
            Vector256<int> lowerBias = Vector256.LoadUnsafe(ref bias, (nuint)c), upperBias = Vector256.LoadUnsafe(ref bias, (nuint)upper);
            Vector256<int> lowerBias8 = Vector256.LoadUnsafe(ref bias, (nuint)(c + 8)), upperBias8 = Vector256.LoadUnsafe(ref bias, (nuint)(upper + 8));
            Vector256<byte> unit = Vector256.Create((byte)1);
            Vector256<int> b0 = Avx2.Subtract(InterleavedLow(lowerBias, upperBias), Avx2.ShiftLeftLogical(QuadSums(unit, unit, unit, ref w, 0, ones), 7));
            Vector256<int> b1 = Avx2.Subtract(InterleavedHigh(lowerBias, upperBias), Avx2.ShiftLeftLogical(QuadSums(unit, unit, unit, ref w, 32, ones), 7));
            Vector256<int> b2 = Avx2.Subtract(InterleavedLow(lowerBias8, upperBias8), Avx2.ShiftLeftLogical(QuadSums(unit, unit, unit, ref w, 64, ones), 7));
            Vector256<int> b3 = Avx2.Subtract(InterleavedHigh(lowerBias8, upperBias8), Avx2.ShiftLeftLogical(QuadSums(unit, unit, unit, ref w, 96, ones), 7));

            // Each group of 8 int64 (even channels 0, 2, ..., 14 or odd 1, ..., 15 of a 16-channel block) for the
            // vectors: the first holds entries 0, 1 of both blocks, the second 2, 3, the third 4, 5, the fourth 6, 7.
            for (int g = 0; g < 48; g += 8)
            {
                Vector256<long> lowerFirst = Vector256.LoadUnsafe(ref constants, (nuint)((3 * c) + g)), upperFirst = Vector256.LoadUnsafe(ref constants, (nuint)((3 * upper) + g));
                Vector256<long> lowerSecond = Vector256.LoadUnsafe(ref constants, (nuint)((3 * c) + g + 4)), upperSecond = Vector256.LoadUnsafe(ref constants, (nuint)((3 * upper) + g + 4));
                InterleavedLow(lowerFirst, upperFirst).StoreUnsafe(ref firstTable, (nuint)g);
                InterleavedHigh(lowerFirst, upperFirst).StoreUnsafe(ref firstTable, (nuint)(g + 4));
                InterleavedLow(lowerSecond, upperSecond).StoreUnsafe(ref secondTable, (nuint)g);
                InterleavedHigh(lowerSecond, upperSecond).StoreUnsafe(ref secondTable, (nuint)(g + 4));
            }

            Vector256<int> s0 = NarrowShifts256(ref firstTable), s1 = NarrowShifts256(ref Unsafe.Add(ref firstTable, 4));
            Vector256<int> s2 = NarrowShifts256(ref secondTable), s3 = NarrowShifts256(ref Unsafe.Add(ref secondTable, 4));
            for (int oy = 0; oy < outputHeight; oy++)
            {
                // The three input rows of this output row: inside the input, or the fill with a column step of 0.
                int iy = (oy * strideHeight) - top;
                bool in0 = Inside(iy, inputHeight), in1 = Inside(iy + 1, inputHeight), in2 = Inside(iy + 2, inputHeight);
                ref sbyte row0 = ref in0 ? ref Unsafe.Add(ref input, (iy * rowBytes) + c) : ref input;
                ref sbyte row1 = ref in1 ? ref Unsafe.Add(ref input, ((iy + 1) * rowBytes) + c) : ref input;
                ref sbyte row2 = ref in2 ? ref Unsafe.Add(ref input, ((iy + 2) * rowBytes) + c) : ref input;
                int j = 0;
                for (; j < inside; j++)
                {
                    StoreByteQuads(
                        BorderColumn(ref row0, in0, j - left, inputWidth, channels, pixelPairs, fillLanes), BorderColumn(ref row1, in1, j - left, inputWidth, channels, pixelPairs, fillLanes),
                        BorderColumn(ref row2, in2, j - left, inputWidth, channels, pixelPairs, fillLanes), flip, ref Unsafe.Add(ref quads, 128 * j));
                }

                nint step0 = in0 ? channels : 0, step1 = in1 ? channels : 0, step2 = in2 ? channels : 0;
                ref sbyte r0 = ref in0 ? ref Unsafe.Add(ref row0, (j - left) * channels) : ref fillRow;
                ref sbyte r1 = ref in1 ? ref Unsafe.Add(ref row1, (j - left) * channels) : ref fillRow;
                ref sbyte r2 = ref in2 ? ref Unsafe.Add(ref row2, (j - left) * channels) : ref fillRow;
                ref byte column = ref Unsafe.Add(ref quads, 128 * j);
                for (; j < insideEnd; j++)
                {
                    StoreByteQuads(Vector256.LoadUnsafe(ref r0), Vector256.LoadUnsafe(ref r1), Vector256.LoadUnsafe(ref r2), flip, ref column);
                    r0 = ref Unsafe.Add(ref r0, step0);
                    r1 = ref Unsafe.Add(ref r1, step1);
                    r2 = ref Unsafe.Add(ref r2, step2);
                    column = ref Unsafe.Add(ref column, 128);
                }

                for (; j < columns; j++)
                {
                    StoreByteQuads(
                        BorderColumn(ref row0, in0, j - left, inputWidth, channels, pixelPairs, fillLanes), BorderColumn(ref row1, in1, j - left, inputWidth, channels, pixelPairs, fillLanes),
                        BorderColumn(ref row2, in2, j - left, inputWidth, channels, pixelPairs, fillLanes), flip, ref Unsafe.Add(ref quads, 128 * j));
                }

                ref sbyte y = ref Unsafe.Add(ref output, (oy * outputWidth * channels) + c);
                int windowStep = 128 * strideWidth * pixels, outputStep = channels * pixels;
                ref byte window = ref quads;
                for (int ox = 0; ox < outputWidth; ox += pixels)
                {
                    Vector256<int> a0 = Avx2.Add(b0, QuadWindow(ref window, 0, ref w, ones));
                    Vector256<int> a1 = Avx2.Add(b1, QuadWindow(ref window, 32, ref w, ones));
                    Vector256<int> a2 = Avx2.Add(b2, QuadWindow(ref window, 64, ref w, ones));
                    Vector256<int> a3 = Avx2.Add(b3, QuadWindow(ref window, 96, ref w, ones));
                    Vector256<short> first = Avx2.PackSignedSaturate(
                        NarrowRequantize256<TRounding>(a0, ref firstTable, s0), NarrowRequantize256<TRounding>(a1, ref Unsafe.Add(ref firstTable, 4), s1));
                    Vector256<short> second = Avx2.PackSignedSaturate(
                        NarrowRequantize256<TRounding>(a2, ref secondTable, s2), NarrowRequantize256<TRounding>(a3, ref Unsafe.Add(ref secondTable, 4), s3));
                    if (min != sbyte.MinValue || max != sbyte.MaxValue)
                    {
                        Vector256<short> low = Vector256.Create((short)min), high = Vector256.Create((short)max);
                        first = Avx2.Min(Avx2.Max(first, low), high);
                        second = Avx2.Min(Avx2.Max(second, low), high);
                    }

                    Avx2.PackSignedSaturate(first, second).StoreUnsafe(ref y);
                    y = ref Unsafe.Add(ref y, outputStep);
                    window = ref Unsafe.Add(ref window, windowStep);
                }
            }
        }
    }

    /// <summary>Three rows' 32 bytes of one column flipped to unsigned and interleaved (<see cref="ByteQuads"/>), stored as the column's 128 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreByteQuads(Vector256<sbyte> row0, Vector256<sbyte> row1, Vector256<sbyte> row2, Vector256<sbyte> flip, ref byte column)
    {
        var (q0, q1, q2, q3) = ByteQuads(Avx2.Xor(row0, flip), Avx2.Xor(row1, flip), Avx2.Xor(row2, flip));
        q0.AsByte().StoreUnsafe(ref column);
        q1.AsByte().StoreUnsafe(ref column, 32);
        q2.AsByte().StoreUnsafe(ref column, 64);
        q3.AsByte().StoreUnsafe(ref column, 96);
    }

    /// <summary>
    /// A column's 32 input lanes at pixel <paramref name="pixel"/> of a row (<paramref name="row"/>: its first pixel at
    /// the block's channel) where the column may reach past the input: each 16-byte half (channels 0-15 and 16-31 of the
    /// pixel, or with <paramref name="pixelPairs"/> channels 0-15 of the pixel and of the next) is read where its pixel
    /// lies inside the row and the row inside the input (<paramref name="rowInside"/>), else is the fill.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> BorderColumn(ref sbyte row, bool rowInside, int pixel, int inputWidth, int channels, bool pixelPairs, Vector256<sbyte> fill)
    {
        int upperPixel = pixelPairs ? pixel + 1 : pixel, upperOffset = pixelPairs ? 0 : 16;
        Vector128<sbyte> lower = rowInside && Inside(pixel, inputWidth) ? Vector128.LoadUnsafe(ref Unsafe.Add(ref row, pixel * channels)) : fill.GetLower();
        Vector128<sbyte> upper = rowInside && Inside(upperPixel, inputWidth) ? Vector128.LoadUnsafe(ref Unsafe.Add(ref row, (upperPixel * channels) + upperOffset)) : fill.GetLower();
        return Vector256.Create(lower, upper);
    }

    /// <summary>Whether 0 &lt;= <paramref name="index"/> &lt; <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Inside(int index, int count) => unchecked((uint)index < (uint)count);

    /// <summary>
    /// One vector of a window's sums (<paramref name="offset"/>: which of the four), from the three columns' interleaved
    /// inputs at <paramref name="window"/> times the interleaved weights: <see cref="QuadSums"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> QuadWindow(ref byte window, int offset, ref sbyte weights, Vector256<short> ones) =>
        QuadSums(
            Vector256.LoadUnsafe(ref window, (nuint)offset), Vector256.LoadUnsafe(ref window, (nuint)(offset + 128)),
            Vector256.LoadUnsafe(ref window, (nuint)(offset + 256)), ref weights, offset, ones);

    /// <summary>
    /// Three kernel columns' products for one vector: vpmaddubsw of the unsigned inputs with the signed weights (two
    /// products per int16), then vpmaddwd with ones (four per int32), summed in int32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> QuadSums(Vector256<byte> x0, Vector256<byte> x1, Vector256<byte> x2, ref sbyte weights, int offset, Vector256<short> ones) =>
        Avx2.Add(
            Avx2.Add(
                Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x0, Vector256.LoadUnsafe(ref weights, (nuint)offset)), ones),
                Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x1, Vector256.LoadUnsafe(ref weights, (nuint)(offset + 128))), ones)),
            Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x2, Vector256.LoadUnsafe(ref weights, (nuint)(offset + 256))), ones));

    /// <summary>32 int8 values at <paramref name="offset"/>, or with <paramref name="repeat"/> its 16 twice (a 16-channel layer's pixel pairs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Lanes32(ref sbyte values, int offset, bool repeat)
    {
        ref sbyte at = ref Unsafe.Add(ref values, offset);
        return repeat ? Vector256.Create(Vector128.LoadUnsafe(ref at), Vector128.LoadUnsafe(ref at)) : Vector256.LoadUnsafe(ref at);
    }

    /// <summary>
    /// Three rows' bytes interleaved per lane as (row 0, row 1, row 2, 0), four vectors in the order of
    /// <see cref="DepthwiseAvx2ByteQuads{TRounding}"/> (vpunpck* work within 128-bit lanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<sbyte>, Vector256<sbyte>, Vector256<sbyte>, Vector256<sbyte>) ByteQuads(Vector256<sbyte> row0, Vector256<sbyte> row1, Vector256<sbyte> row2)
    {
        Vector256<short> low01 = Avx2.UnpackLow(row0, row1).AsInt16(), high01 = Avx2.UnpackHigh(row0, row1).AsInt16();
        Vector256<short> low2 = Avx2.UnpackLow(row2, Vector256<sbyte>.Zero).AsInt16(), high2 = Avx2.UnpackHigh(row2, Vector256<sbyte>.Zero).AsInt16();
        return (Avx2.UnpackLow(low01, low2).AsSByte(), Avx2.UnpackHigh(low01, low2).AsSByte(), Avx2.UnpackLow(high01, high2).AsSByte(), Avx2.UnpackHigh(high01, high2).AsSByte());
    }
}

namespace ModelCompiler.Generator.Emitting;

/// <summary>
/// The inner kernels every generated model shares, emitted as source (the generated code depends on nothing).
/// They are <c>AggressiveInlining</c> and called with literal shapes, so the JIT specialises them per layer. Every
/// vector path computes exactly the scalar path's integers (widening to int16 before <c>MultiplyAddAdjacent</c>
/// means no saturation) or the same float32 operations per lane (multiply then add, never fused).
/// </summary>
public static class KernelLibrary
{
    public const string Common = """
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ref T At<T>(ref byte arena, int offset) => ref Unsafe.As<byte, T>(ref Unsafe.Add(ref arena, offset));

        /// <summary>Requantizer.Requantize: clamp(zp + ((acc * M + 2^(s-1)) >> s), min, max) in 64-bit integers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static sbyte Requantize(int accumulator, int multiplier, int shift, int zeroPoint, int min, int max)
        {
            long scaled = ((long)accumulator * multiplier + (1L << (shift - 1))) >> shift;
            long result = scaled + zeroPoint;
            return (sbyte)(result < min ? min : result > max ? max : result);
        }

        /// <summary>Quantizer.Quantize: clamp(roundHalfToEven(x / scale) + zp, -128, 127); NaN gives -128.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static sbyte Quantize(float x, float scale, int zeroPoint)
        {
            float ratio = x / scale;
            double rounded = Math.Round((double)ratio, MidpointRounding.ToEven) + zeroPoint;
            return (sbyte)(rounded >= 127 ? 127 : rounded > -128 ? (int)rounded : -128);
        }

        /// <summary>Quantizer.Activate: 0 none, 1 ReLU, 2 ReLU6 (NaN becomes 0 under both).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Activate(float x, int activation) =>
            activation == 1 ? (x > 0f ? x : 0f) : activation == 2 ? (x > 0f ? (x < 6f ? x : 6f) : 0f) : x;
        """;

    public const string Int8Conv = """
        /// <summary>
        /// Copies the receptive field of one output pixel into <paramref name="patch"/> as int16, in the order
        /// (ky, kx, ci); cells in the padding hold the input zero point, the tail up to the padded length holds 0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void GatherPatch(ref sbyte input, ref short patch, int top, int left, int inputHeight, int inputWidth, int channels, int kernelHeight, int kernelWidth, int zeroPoint, int length, int paddedLength)
        {
            int p = 0;
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                int iy = top + ky;
                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    int ix = left + kx;
                    if ((uint)iy < (uint)inputHeight && (uint)ix < (uint)inputWidth)
                    {
                        ref sbyte source = ref Unsafe.Add(ref input, (iy * inputWidth + ix) * channels);
                        for (int c = 0; c < channels; c++)
                        {
                            Unsafe.Add(ref patch, p + c) = Unsafe.Add(ref source, c);
                        }
                    }
                    else
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            Unsafe.Add(ref patch, p + c) = (short)zeroPoint;
                        }
                    }

                    p += channels;
                }
            }

            for (; p < paddedLength; p++)
            {
                Unsafe.Add(ref patch, p) = 0;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int PatchPair(ref short patch, int k) => Unsafe.ReadUnaligned<int>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref patch, k)));

        /// <summary>
        /// acc[c] = bias[c] + Σ_k patch[k] * w[c][k] for every output channel, weights packed [block][k/2][16][2].
        /// Int16 x int16 pairs summed into int32 (MultiplyAddAdjacent on int16 cannot saturate here); the partial
        /// sums are combined in wrapping int32, which is exact because the total fits (TensorChain checks it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ConvDot(ref short patch, ref sbyte weights, ref int bias, ref int acc, int paddedLength, int blocks, int vectorBits)
        {
            if (vectorBits >= 512 && Avx512BW.IsSupported)
            {
                for (int b = 0; b < blocks; b++)
                {
                    ref sbyte w = ref Unsafe.Add(ref weights, b * paddedLength * 16);
                    Vector512<int> a0 = Vector512.LoadUnsafe(ref bias, (nuint)(b * 16)), a1 = Vector512<int>.Zero, a2 = Vector512<int>.Zero, a3 = Vector512<int>.Zero;
                    for (int k = 0; k < paddedLength; k += 8)
                    {
                        a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16))), Vector512.Create(PatchPair(ref patch, k)).AsInt16()));
                        a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16 + 32))), Vector512.Create(PatchPair(ref patch, k + 2)).AsInt16()));
                        a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16 + 64))), Vector512.Create(PatchPair(ref patch, k + 4)).AsInt16()));
                        a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(k * 16 + 96))), Vector512.Create(PatchPair(ref patch, k + 6)).AsInt16()));
                    }

                    Avx512F.Add(Avx512F.Add(a0, a1), Avx512F.Add(a2, a3)).StoreUnsafe(ref acc, (nuint)(b * 16));
                }
            }
            else if (vectorBits >= 256 && Avx2.IsSupported)
            {
                for (int b = 0; b < blocks; b++)
                {
                    for (int h = 0; h < 2; h++)
                    {
                        ref sbyte w = ref Unsafe.Add(ref weights, b * paddedLength * 16 + h * 16);
                        Vector256<int> a0 = Vector256.LoadUnsafe(ref bias, (nuint)(b * 16 + h * 8)), a1 = Vector256<int>.Zero;
                        for (int k = 0; k < paddedLength; k += 4)
                        {
                            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)(k * 16))), Vector256.Create(PatchPair(ref patch, k)).AsInt16()));
                            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)(k * 16 + 32))), Vector256.Create(PatchPair(ref patch, k + 2)).AsInt16()));
                        }

                        Avx2.Add(a0, a1).StoreUnsafe(ref acc, (nuint)(b * 16 + h * 8));
                    }
                }
            }
            else if (vectorBits >= 128 && Sse41.IsSupported)
            {
                for (int b = 0; b < blocks; b++)
                {
                    for (int q = 0; q < 4; q++)
                    {
                        ref byte w = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref weights, b * paddedLength * 16 + q * 8));
                        Vector128<int> a0 = Vector128.LoadUnsafe(ref bias, (nuint)(b * 16 + q * 4)), a1 = Vector128<int>.Zero;
                        for (int k = 0; k < paddedLength; k += 4)
                        {
                            Vector128<short> w0 = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref w, k * 16))).AsSByte());
                            Vector128<short> w1 = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref w, k * 16 + 32))).AsSByte());
                            a0 = Sse2.Add(a0, Sse2.MultiplyAddAdjacent(w0, Vector128.Create(PatchPair(ref patch, k)).AsInt16()));
                            a1 = Sse2.Add(a1, Sse2.MultiplyAddAdjacent(w1, Vector128.Create(PatchPair(ref patch, k + 2)).AsInt16()));
                        }

                        Sse2.Add(a0, a1).StoreUnsafe(ref acc, (nuint)(b * 16 + q * 4));
                    }
                }
            }
            else
            {
                for (int b = 0; b < blocks; b++)
                {
                    ref sbyte w = ref Unsafe.Add(ref weights, b * paddedLength * 16);
                    for (int lane = 0; lane < 16; lane++)
                    {
                        int sum = Unsafe.Add(ref bias, b * 16 + lane);
                        for (int k = 0; k < paddedLength; k += 2)
                        {
                            sum = unchecked(sum + Unsafe.Add(ref patch, k) * Unsafe.Add(ref w, k * 16 + lane * 2) + Unsafe.Add(ref patch, k + 1) * Unsafe.Add(ref w, k * 16 + lane * 2 + 1));
                        }

                        Unsafe.Add(ref acc, b * 16 + lane) = sum;
                    }
                }
            }
        }

        /// <summary>best[c] = max(best[c], acc[c]): the fused max pool, on accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void MaxInto(ref int best, ref int acc, int count)
        {
            for (int c = 0; c < count; c++)
            {
                int value = Unsafe.Add(ref acc, c);
                if (value > Unsafe.Add(ref best, c))
                {
                    Unsafe.Add(ref best, c) = value;
                }
            }
        }
        """;

    public const string Int8Dense = """
        /// <summary>The int8 input as int16, zero-padded to the weights' padded row length.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Widen(ref sbyte input, ref short wide, int length, int paddedLength)
        {
            for (int i = 0; i < length; i++)
            {
                Unsafe.Add(ref wide, i) = Unsafe.Add(ref input, i);
            }

            for (int i = length; i < paddedLength; i++)
            {
                Unsafe.Add(ref wide, i) = 0;
            }
        }

        /// <summary>Σ x[i] * w[i] over a padded row (a multiple of 64), int16 products summed exactly in int32.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int DenseDot(ref short x, ref sbyte w, int paddedLength, int vectorBits)
        {
            if (vectorBits >= 512 && Avx512BW.IsSupported)
            {
                Vector512<int> a0 = Vector512<int>.Zero, a1 = Vector512<int>.Zero;
                for (int i = 0; i < paddedLength; i += 64)
                {
                    a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)i)), Vector512.LoadUnsafe(ref x, (nuint)i)));
                    a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(i + 32))), Vector512.LoadUnsafe(ref x, (nuint)(i + 32))));
                }

                return Vector512.Sum(Avx512F.Add(a0, a1));
            }

            if (vectorBits >= 256 && Avx2.IsSupported)
            {
                Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero;
                for (int i = 0; i < paddedLength; i += 32)
                {
                    a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)i)), Vector256.LoadUnsafe(ref x, (nuint)i)));
                    a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)(i + 16))), Vector256.LoadUnsafe(ref x, (nuint)(i + 16))));
                }

                return Vector256.Sum(Avx2.Add(a0, a1));
            }

            if (vectorBits >= 128 && Sse41.IsSupported)
            {
                Vector128<int> a0 = Vector128<int>.Zero, a1 = Vector128<int>.Zero;
                ref byte wb = ref Unsafe.As<sbyte, byte>(ref w);
                for (int i = 0; i < paddedLength; i += 16)
                {
                    Vector128<short> w0 = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref wb, i))).AsSByte());
                    Vector128<short> w1 = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref wb, i + 8))).AsSByte());
                    a0 = Sse2.Add(a0, Sse2.MultiplyAddAdjacent(w0, Vector128.LoadUnsafe(ref x, (nuint)i)));
                    a1 = Sse2.Add(a1, Sse2.MultiplyAddAdjacent(w1, Vector128.LoadUnsafe(ref x, (nuint)(i + 8))));
                }

                return Vector128.Sum(Sse2.Add(a0, a1));
            }

            int sum = 0;
            for (int i = 0; i < paddedLength; i++)
            {
                sum = unchecked(sum + Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i));
            }

            return sum;
        }
        """;

    public const string FloatKernels = """
        /// <summary>
        /// Float-domain Dense over 16 units per block, weights [block][input][16]: each lane is acc = bias, then
        /// acc = acc + x[i] * w[i] for i ascending, multiply and add rounded separately (never fused).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FloatDense(ref float x, ref float weights, ref float bias, ref float y, Span<float> lanes, int inputs, int units, int activation, int vectorBits)
        {
            ref float l = ref MemoryMarshal.GetReference(lanes);
            for (int b = 0; b * 16 < units; b++)
            {
                ref float w = ref Unsafe.Add(ref weights, b * inputs * 16);
                FloatBlock(ref x, ref w, ref Unsafe.Add(ref bias, b * 16), ref l, 1, inputs, vectorBits);
                int count = Math.Min(16, units - b * 16);
                for (int lane = 0; lane < count; lane++)
                {
                    Unsafe.Add(ref y, b * 16 + lane) = Activate(Unsafe.Add(ref l, lane), activation);
                }
            }
        }

        /// <summary>
        /// lanes = start + Σ x[xStep*i] * w[i][16 lanes] over <paramref name="count"/> inputs in order; when
        /// <paramref name="accumulate"/> is 1 the start is <paramref name="start"/>, else the current lanes.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FloatBlock(ref float x, ref float w, ref float start, ref float lanes, int fromStart, int count, int vectorBits)
        {
            ref float origin = ref fromStart == 1 ? ref start : ref lanes;
            if (vectorBits >= 512 && Vector512.IsHardwareAccelerated)
            {
                Vector512<float> a = Vector512.LoadUnsafe(ref origin);
                for (int i = 0; i < count; i++)
                {
                    a = a + Vector512.Create(Unsafe.Add(ref x, i)) * Vector512.LoadUnsafe(ref w, (nuint)(i * 16));
                }

                a.StoreUnsafe(ref lanes);
            }
            else if (vectorBits >= 256 && Vector256.IsHardwareAccelerated)
            {
                Vector256<float> a0 = Vector256.LoadUnsafe(ref origin), a1 = Vector256.LoadUnsafe(ref origin, 8);
                for (int i = 0; i < count; i++)
                {
                    Vector256<float> xv = Vector256.Create(Unsafe.Add(ref x, i));
                    a0 = a0 + xv * Vector256.LoadUnsafe(ref w, (nuint)(i * 16));
                    a1 = a1 + xv * Vector256.LoadUnsafe(ref w, (nuint)(i * 16 + 8));
                }

                a0.StoreUnsafe(ref lanes);
                a1.StoreUnsafe(ref lanes, 8);
            }
            else if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
            {
                Vector128<float> a0 = Vector128.LoadUnsafe(ref origin), a1 = Vector128.LoadUnsafe(ref origin, 4), a2 = Vector128.LoadUnsafe(ref origin, 8), a3 = Vector128.LoadUnsafe(ref origin, 12);
                for (int i = 0; i < count; i++)
                {
                    Vector128<float> xv = Vector128.Create(Unsafe.Add(ref x, i));
                    a0 = a0 + xv * Vector128.LoadUnsafe(ref w, (nuint)(i * 16));
                    a1 = a1 + xv * Vector128.LoadUnsafe(ref w, (nuint)(i * 16 + 4));
                    a2 = a2 + xv * Vector128.LoadUnsafe(ref w, (nuint)(i * 16 + 8));
                    a3 = a3 + xv * Vector128.LoadUnsafe(ref w, (nuint)(i * 16 + 12));
                }

                a0.StoreUnsafe(ref lanes);
                a1.StoreUnsafe(ref lanes, 4);
                a2.StoreUnsafe(ref lanes, 8);
                a3.StoreUnsafe(ref lanes, 12);
            }
            else
            {
                for (int lane = 0; lane < 16; lane++)
                {
                    float a = Unsafe.Add(ref origin, lane);
                    for (int i = 0; i < count; i++)
                    {
                        float product = Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i * 16 + lane);
                        a = a + product;
                    }

                    Unsafe.Add(ref lanes, lane) = a;
                }
            }
        }

        /// <summary>
        /// Float-domain Conv2D, weights [block][ky][kx][ci][16]. Per output and lane: acc = bias, then the in-bounds
        /// cells in the order ky, kx, ci (padded cells are skipped, as the reference does).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FloatConv(ref float x, ref float weights, ref float bias, ref float y, Span<float> lanes, int inputHeight, int inputWidth, int channels, int outputHeight, int outputWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padTop, int padLeft, int filters, int activation, int vectorBits)
        {
            ref float l = ref MemoryMarshal.GetReference(lanes);
            for (int oy = 0; oy < outputHeight; oy++)
            {
                int top = oy * strideHeight - padTop;
                int ky0 = Math.Max(0, -top), ky1 = Math.Min(kernelHeight, inputHeight - top);
                for (int ox = 0; ox < outputWidth; ox++)
                {
                    int left = ox * strideWidth - padLeft;
                    int kx0 = Math.Max(0, -left), kx1 = Math.Min(kernelWidth, inputWidth - left);
                    for (int b = 0; b * 16 < filters; b++)
                    {
                        ref float wb = ref Unsafe.Add(ref weights, b * kernelHeight * kernelWidth * channels * 16);
                        int fromStart = 1;
                        for (int ky = ky0; ky < ky1; ky++)
                        {
                            for (int kx = kx0; kx < kx1; kx++)
                            {
                                FloatBlock(
                                    ref Unsafe.Add(ref x, ((top + ky) * inputWidth + left + kx) * channels),
                                    ref Unsafe.Add(ref wb, (ky * kernelWidth + kx) * channels * 16),
                                    ref Unsafe.Add(ref bias, b * 16), ref l, fromStart, channels, vectorBits);
                                fromStart = 0;
                            }
                        }

                        if (fromStart == 1)
                        {
                            FloatBlock(ref x, ref wb, ref Unsafe.Add(ref bias, b * 16), ref l, 1, 0, vectorBits);
                        }

                        int count = Math.Min(16, filters - b * 16);
                        ref float o = ref Unsafe.Add(ref y, (oy * outputWidth + ox) * filters + b * 16);
                        for (int lane = 0; lane < count; lane++)
                        {
                            Unsafe.Add(ref o, lane) = Activate(Unsafe.Add(ref l, lane), activation);
                        }
                    }
                }
            }
        }
        """;

    public const string Pools = """
        /// <summary>Max or average pool over in-bounds cells (ky, then kx), int8: max / RoundedAverage of the 64-bit sum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PoolInt8(ref sbyte x, ref sbyte y, int inputHeight, int inputWidth, int channels, int outputHeight, int outputWidth, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padLeft, bool isMax)
        {
            for (int oy = 0; oy < outputHeight; oy++)
            {
                int top = oy * strideHeight - padTop;
                int ky0 = Math.Max(0, -top), ky1 = Math.Min(poolHeight, inputHeight - top);
                for (int ox = 0; ox < outputWidth; ox++)
                {
                    int left = ox * strideWidth - padLeft;
                    int kx0 = Math.Max(0, -left), kx1 = Math.Min(poolWidth, inputWidth - left);
                    int count = (ky1 - ky0) * (kx1 - kx0);
                    for (int c = 0; c < channels; c++)
                    {
                        int best = sbyte.MinValue;
                        long sum = 0;
                        for (int ky = ky0; ky < ky1; ky++)
                        {
                            for (int kx = kx0; kx < kx1; kx++)
                            {
                                int value = Unsafe.Add(ref x, ((top + ky) * inputWidth + left + kx) * channels + c);
                                best = value > best ? value : best;
                                sum += value;
                            }
                        }

                        Unsafe.Add(ref y, (oy * outputWidth + ox) * channels + c) = isMax ? (sbyte)best : (sbyte)RoundedAverage(sum, count);
                    }
                }
            }
        }

        /// <summary>Quantizer.RoundedAverage: sum / count rounded half away from zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int RoundedAverage(long sum, int count) =>
            (int)(sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);

        /// <summary>Float pools: max keeps the first cell and replaces it only when strictly greater; average sums from +0 then divides.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PoolFloat(ref float x, ref float y, int inputHeight, int inputWidth, int channels, int outputHeight, int outputWidth, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padLeft, bool isMax)
        {
            for (int oy = 0; oy < outputHeight; oy++)
            {
                int top = oy * strideHeight - padTop;
                int ky0 = Math.Max(0, -top), ky1 = Math.Min(poolHeight, inputHeight - top);
                for (int ox = 0; ox < outputWidth; ox++)
                {
                    int left = ox * strideWidth - padLeft;
                    int kx0 = Math.Max(0, -left), kx1 = Math.Min(poolWidth, inputWidth - left);
                    int count = (ky1 - ky0) * (kx1 - kx0);
                    for (int c = 0; c < channels; c++)
                    {
                        bool first = true;
                        float best = 0f;
                        float sum = 0f;
                        for (int ky = ky0; ky < ky1; ky++)
                        {
                            for (int kx = kx0; kx < kx1; kx++)
                            {
                                float value = Unsafe.Add(ref x, ((top + ky) * inputWidth + left + kx) * channels + c);
                                if (first || value > best)
                                {
                                    best = value;
                                    first = false;
                                }

                                sum = sum + value;
                            }
                        }

                        Unsafe.Add(ref y, (oy * outputWidth + ox) * channels + c) = isMax ? best : sum / count;
                    }
                }
            }
        }
        """;

    public const string GlobalPool = """
        /// <summary>Mean over H and W per channel, cells visited h then w.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void GlobalPoolInt8(ref sbyte x, ref sbyte y, int height, int width, int channels)
        {
            for (int c = 0; c < channels; c++)
            {
                long sum = 0;
                for (int i = 0; i < height * width; i++)
                {
                    sum += Unsafe.Add(ref x, i * channels + c);
                }

                int count = height * width;
                Unsafe.Add(ref y, c) = (sbyte)(sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void GlobalPoolFloat(ref float x, ref float y, int height, int width, int channels)
        {
            for (int c = 0; c < channels; c++)
            {
                float sum = 0f;
                for (int i = 0; i < height * width; i++)
                {
                    sum = sum + Unsafe.Add(ref x, i * channels + c);
                }

                Unsafe.Add(ref y, c) = sum / (height * width);
            }
        }
        """;
}

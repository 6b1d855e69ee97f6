namespace ModelCompiler.Generator.Emitting;

/// <summary>The int8 Conv2D and Dense kernels (emitted source).</summary>
public static partial class KernelLibrary
{
    public const string Int8Conv = """
        /// <summary>
        /// The general receptive-field copy for windows that touch the padding: order (ky, kx, ci), padded cells hold
        /// the input zero point (so, with the zero point folded into the bias, they add exactly nothing).
        /// </summary>
        private static void GatherPatch(ref sbyte input, ref short patch, int top, int left, int inputHeight, int inputWidth, int channels, int kernelHeight, int kernelWidth, int zeroPoint)
        {
            int p = 0;
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                int iy = top + ky;
                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    int ix = left + kx;
                    if (unchecked((uint)iy < (uint)inputHeight && (uint)ix < (uint)inputWidth))
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
        }

        /// <summary>count int8 values widened to int16 (sign-extended; exact on every path).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void WidenRun(ref sbyte source, ref short target, int count, int vectorBits)
        {
            int i = 0;
            if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
            {
                for (; i + 16 <= count; i += 16)
                {
                    var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)i));
                    lower.StoreUnsafe(ref target, (nuint)i);
                    upper.StoreUnsafe(ref target, (nuint)(i + 8));
                }
            }

            for (; i < count; i++)
            {
                Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
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
        /// <summary>
        /// Dense with 7-bit weights on the uint8 input (q + 128): four units at a time share each input load;
        /// MultiplyAddAdjacent(u8, s8) cannot saturate for weights in [-64, 63]; int32 sums wrap, which is exact because
        /// the true accumulator fits (TensorChain checks it).
        /// </summary>
        private static void DenseUnsigned(ref byte x, ref sbyte weights, ref int bias, ref int multipliers, ref int shifts, ref sbyte output, int units, int paddedLength, int zeroPoint, int min, int max, int vectorBits)
        {
            int u = 0;
            if (vectorBits >= 512 && Avx512BW.IsSupported)
            {
                Vector512<short> ones = Vector512.Create((short)1);
                for (; u + 4 <= units; u += 4)
                {
                    ref sbyte w = ref Unsafe.Add(ref weights, u * paddedLength);
                    Vector512<int> a0 = Vector512<int>.Zero, a1 = Vector512<int>.Zero, a2 = Vector512<int>.Zero, a3 = Vector512<int>.Zero;
                    for (int i = 0; i < paddedLength; i += 64)
                    {
                        Vector512<byte> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                        a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)i)), ones));
                        a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)(i + paddedLength))), ones));
                        a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)(i + 2 * paddedLength))), ones));
                        a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(v, Vector512.LoadUnsafe(ref w, (nuint)(i + 3 * paddedLength))), ones));
                    }

                    Unsafe.Add(ref output, u) = Requantize(unchecked(Unsafe.Add(ref bias, u) + Vector512.Sum(a0)), Unsafe.Add(ref multipliers, u), Unsafe.Add(ref shifts, u), zeroPoint, min, max);
                    Unsafe.Add(ref output, u + 1) = Requantize(unchecked(Unsafe.Add(ref bias, u + 1) + Vector512.Sum(a1)), Unsafe.Add(ref multipliers, u + 1), Unsafe.Add(ref shifts, u + 1), zeroPoint, min, max);
                    Unsafe.Add(ref output, u + 2) = Requantize(unchecked(Unsafe.Add(ref bias, u + 2) + Vector512.Sum(a2)), Unsafe.Add(ref multipliers, u + 2), Unsafe.Add(ref shifts, u + 2), zeroPoint, min, max);
                    Unsafe.Add(ref output, u + 3) = Requantize(unchecked(Unsafe.Add(ref bias, u + 3) + Vector512.Sum(a3)), Unsafe.Add(ref multipliers, u + 3), Unsafe.Add(ref shifts, u + 3), zeroPoint, min, max);
                }
            }

            for (; u < units; u++)
            {
                int sum = unchecked(Unsafe.Add(ref bias, u) + DotUnsigned(ref x, ref Unsafe.Add(ref weights, u * paddedLength), paddedLength, vectorBits));
                Unsafe.Add(ref output, u) = Requantize(sum, Unsafe.Add(ref multipliers, u), Unsafe.Add(ref shifts, u), zeroPoint, min, max);
            }
        }

        /// <summary>Σ x[i] * w[i] for uint8 x and 7-bit w over a row padded to 64.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int DotUnsigned(ref byte x, ref sbyte w, int paddedLength, int vectorBits)
        {
            if (vectorBits >= 512 && Avx512BW.IsSupported)
            {
                Vector512<int> a = Vector512<int>.Zero;
                for (int i = 0; i < paddedLength; i += 64)
                {
                    a = Avx512F.Add(a, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref w, (nuint)i)), Vector512.Create((short)1)));
                }

                return Vector512.Sum(a);
            }

            if (vectorBits >= 256 && Avx2.IsSupported)
            {
                Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero;
                for (int i = 0; i < paddedLength; i += 64)
                {
                    a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref w, (nuint)i)), Vector256.Create((short)1)));
                    a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref x, (nuint)(i + 32)), Vector256.LoadUnsafe(ref w, (nuint)(i + 32))), Vector256.Create((short)1)));
                }

                return Vector256.Sum(Avx2.Add(a0, a1));
            }

            if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
            {
                // Portable (ARM64 too): widen both to int16, multiply (255 * 127 fits), widen the products and add.
                Vector128<int> a0 = Vector128<int>.Zero, a1 = Vector128<int>.Zero;
                for (int i = 0; i < paddedLength; i += 16)
                {
                    Vector128<byte> v = Vector128.LoadUnsafe(ref x, (nuint)i);
                    Vector128<sbyte> k = Vector128.LoadUnsafe(ref w, (nuint)i);
                    Vector128<short> low = Vector128.WidenLower(v).AsInt16() * Vector128.WidenLower(k);
                    Vector128<short> high = Vector128.WidenUpper(v).AsInt16() * Vector128.WidenUpper(k);
                    a0 += Vector128.WidenLower(low) + Vector128.WidenUpper(low);
                    a1 += Vector128.WidenLower(high) + Vector128.WidenUpper(high);
                }

                return Vector128.Sum(a0 + a1);
            }

            int sum = 0;
            for (int i = 0; i < paddedLength; i++)
            {
                sum = unchecked(sum + Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i));
            }

            return sum;
        }

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
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Max or average pool over in-bounds cells (ky, then kx), int8: max, or RoundedAverage of the 64-bit sum
    /// (HalfUpAverage when <paramref name="tiesUp"/>: the <c>ties up</c> of pools imported from TFLite's uint8 scheme).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PoolInt8(ref sbyte x, ref sbyte y, int inputHeight, int inputWidth, int channels, int outputHeight, int outputWidth, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padLeft, bool isMax, bool tiesUp = false)
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

                    Unsafe.Add(ref y, (oy * outputWidth + ox) * channels + c) = isMax ? (sbyte)best
                        : (sbyte)(tiesUp ? Quantizer.HalfUpAverage(sum, count) : Quantizer.RoundedAverage(sum, count));
                }
            }
        }
    }

    /// <summary>Float pools: max keeps the first cell and replaces it only when strictly greater; average sums from +0 then divides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PoolFloat(ref float x, ref float y, int inputHeight, int inputWidth, int channels, int outputHeight, int outputWidth, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padLeft, bool isMax)
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

    /// <summary>
    /// Mean over H and W per channel (Quantizer.RoundedAverage of the 64-bit sum), cells visited h then w. The vector
    /// path sums 16 channels at a time in int32 lanes, which hold the 64-bit sum exactly while H * W * 128 &lt; 2^31.
    /// </summary>
    internal static void GlobalPoolInt8(ref sbyte x, ref sbyte y, int height, int width, int channels, int vectorBits)
    {
        int pixels = height * width, c = 0;
        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated && pixels < (1 << 23))
        {
            for (; c + 16 <= channels; c += 16)
            {
                var (s0, s1, s2, s3) = SumSixteenChannels(ref Unsafe.Add(ref x, c), pixels, channels);

                for (int j = 0; j < 4; j++)
                {
                    Unsafe.Add(ref y, c + j) = (sbyte)Quantizer.RoundedAverage(s0.GetElement(j), pixels);
                    Unsafe.Add(ref y, c + 4 + j) = (sbyte)Quantizer.RoundedAverage(s1.GetElement(j), pixels);
                    Unsafe.Add(ref y, c + 8 + j) = (sbyte)Quantizer.RoundedAverage(s2.GetElement(j), pixels);
                    Unsafe.Add(ref y, c + 12 + j) = (sbyte)Quantizer.RoundedAverage(s3.GetElement(j), pixels);
                }
            }
        }

        for (; c < channels; c++)
        {
            long sum = 0;
            for (int i = 0; i < height * width; i++)
            {
                sum += Unsafe.Add(ref x, i * channels + c);
            }

            Unsafe.Add(ref y, c) = (sbyte)Quantizer.RoundedAverage(sum, height * width);
        }
    }

    /// <summary>
    /// Int8 mean over H and W per channel that rescales (TFLite's integer MEAN, <c>MeanRescale</c>): the int32 sum of
    /// the raw values (at most 2^24 cells, which the format checks), then <c>clamp(bias + rescale(sum), -128, 127)</c>
    /// with <typeparamref name="TRounding"/>'s rule. The vector path only sums (16 channels in four int32 lanes each;
    /// integer addition is exact in any order); each sum is requantized by the scalar rule.
    /// </summary>
    internal static void GlobalPoolInt8Rescaled<TRounding>(ref sbyte x, ref sbyte y, int height, int width, int channels, int multiplier, int shift, int bias, int vectorBits)
        where TRounding : struct
    {
        int pixels = height * width, c = 0;
        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            for (; c + 16 <= channels; c += 16)
            {
                var (s0, s1, s2, s3) = SumSixteenChannels(ref Unsafe.Add(ref x, c), pixels, channels);

                for (int j = 0; j < 4; j++)
                {
                    Unsafe.Add(ref y, c + j) = (sbyte)Requantize<TRounding>(s0.GetElement(j), multiplier, shift, bias, sbyte.MinValue, sbyte.MaxValue);
                    Unsafe.Add(ref y, c + 4 + j) = (sbyte)Requantize<TRounding>(s1.GetElement(j), multiplier, shift, bias, sbyte.MinValue, sbyte.MaxValue);
                    Unsafe.Add(ref y, c + 8 + j) = (sbyte)Requantize<TRounding>(s2.GetElement(j), multiplier, shift, bias, sbyte.MinValue, sbyte.MaxValue);
                    Unsafe.Add(ref y, c + 12 + j) = (sbyte)Requantize<TRounding>(s3.GetElement(j), multiplier, shift, bias, sbyte.MinValue, sbyte.MaxValue);
                }
            }
        }

        for (; c < channels; c++)
        {
            int sum = 0;
            for (int i = 0; i < pixels; i++)
            {
                sum += Unsafe.Add(ref x, i * channels + c);
            }

            Unsafe.Add(ref y, c) = (sbyte)Requantize<TRounding>(sum, multiplier, shift, bias, sbyte.MinValue, sbyte.MaxValue);
        }
    }

    /// <summary>
    /// The int32 sums over <paramref name="pixels"/> cells of 16 int8 channels from <paramref name="x"/> (a cell every
    /// <paramref name="channels"/> values), four channels a vector; integer addition, so exact in any order while no sum
    /// can overflow (the callers bound the cells).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) SumSixteenChannels(ref sbyte x, int pixels, int channels)
    {
        Vector128<int> s0 = Vector128<int>.Zero, s1 = Vector128<int>.Zero, s2 = Vector128<int>.Zero, s3 = Vector128<int>.Zero;
        for (int i = 0; i < pixels; i++)
        {
            var (x0, x1, x2, x3) = WidenToInt32(Vector128.LoadUnsafe(ref Unsafe.Add(ref x, i * channels)));
            (s0, s1, s2, s3) = (s0 + x0, s1 + x1, s2 + x2, s3 + x3);
        }

        return (s0, s1, s2, s3);
    }

    /// <summary>
    /// Float mean over H and W per channel: sum = +0, then sum + x for the cells h then w, then sum / (H * W), every
    /// operation float32. The vector paths hold one channel per lane, so each lane does the same operations in the same
    /// order as the scalar loop.
    /// </summary>
    internal static void GlobalPoolFloat(ref float x, ref float y, int height, int width, int channels, int vectorBits)
    {
        int pixels = height * width, c = 0;
        float count = pixels;
        if (vectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            for (; c + 64 <= channels; c += 64)
            {
                Vector512<float> s0 = Vector512<float>.Zero, s1 = Vector512<float>.Zero, s2 = Vector512<float>.Zero, s3 = Vector512<float>.Zero;
                for (int i = 0; i < pixels; i++)
                {
                    ref float row = ref Unsafe.Add(ref x, i * channels + c);
                    s0 += Vector512.LoadUnsafe(ref row);
                    s1 += Vector512.LoadUnsafe(ref row, 16);
                    s2 += Vector512.LoadUnsafe(ref row, 32);
                    s3 += Vector512.LoadUnsafe(ref row, 48);
                }

                (s0 / Vector512.Create(count)).StoreUnsafe(ref y, (nuint)c);
                (s1 / Vector512.Create(count)).StoreUnsafe(ref y, (nuint)(c + 16));
                (s2 / Vector512.Create(count)).StoreUnsafe(ref y, (nuint)(c + 32));
                (s3 / Vector512.Create(count)).StoreUnsafe(ref y, (nuint)(c + 48));
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            for (; c + 16 <= channels; c += 16)
            {
                Vector128<float> s0 = Vector128<float>.Zero, s1 = Vector128<float>.Zero, s2 = Vector128<float>.Zero, s3 = Vector128<float>.Zero;
                for (int i = 0; i < pixels; i++)
                {
                    ref float row = ref Unsafe.Add(ref x, i * channels + c);
                    s0 += Vector128.LoadUnsafe(ref row);
                    s1 += Vector128.LoadUnsafe(ref row, 4);
                    s2 += Vector128.LoadUnsafe(ref row, 8);
                    s3 += Vector128.LoadUnsafe(ref row, 12);
                }

                (s0 / Vector128.Create(count)).StoreUnsafe(ref y, (nuint)c);
                (s1 / Vector128.Create(count)).StoreUnsafe(ref y, (nuint)(c + 4));
                (s2 / Vector128.Create(count)).StoreUnsafe(ref y, (nuint)(c + 8));
                (s3 / Vector128.Create(count)).StoreUnsafe(ref y, (nuint)(c + 12));
            }
        }

        for (; c < channels; c++)
        {
            float sum = 0f;
            for (int i = 0; i < pixels; i++)
            {
                sum = sum + Unsafe.Add(ref x, i * channels + c);
            }

            Unsafe.Add(ref y, c) = sum / pixels;
        }
    }
}

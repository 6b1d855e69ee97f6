using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Float-domain Dense over 16 units per block, weights [block][input][16]: each lane is acc = bias, then
    /// acc = acc + x[i] * w[i] for i ascending, multiply and add rounded separately (never fused).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FloatDense(ref float x, ref float weights, ref float bias, ref float y, Span<float> lanes, int inputs, int units, int activation, int vectorBits)
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
    /// <paramref name="fromStart"/> is 1 the start is <paramref name="start"/>, else the current lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FloatBlock(ref float x, ref float w, ref float start, ref float lanes, int fromStart, int count, int vectorBits)
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
    internal static void FloatConv(ref float x, ref float weights, ref float bias, ref float y, Span<float> lanes, int inputHeight, int inputWidth, int channels, int outputHeight, int outputWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padTop, int padLeft, int filters, int activation, int vectorBits)
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

    /// <summary>Quantizer.Activate on the activation's number (0 none, 1 ReLU, 2 ReLU6; NaN becomes 0 under both).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Activate(float x, int activation) =>
        activation == 1 ? Quantizer.Relu(x) : activation == 2 ? Quantizer.Relu6(x) : x;
}

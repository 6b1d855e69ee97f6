using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>target[i] = (byte)(source[i] + 128).</summary>
    internal static void FlipSign(ref sbyte source, ref byte target, int count, int vectorBits)
    {
        ref byte s = ref Unsafe.As<sbyte, byte>(ref source);
        int i = 0;
        if (vectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            for (; i + 64 <= count; i += 64)
            {
                (Vector512.LoadUnsafe(ref s, (nuint)i) ^ Vector512.Create((byte)0x80)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= count; i += 32)
            {
                (Vector256.LoadUnsafe(ref s, (nuint)i) ^ Vector256.Create((byte)0x80)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                (Vector128.LoadUnsafe(ref s, (nuint)i) ^ Vector128.Create((byte)0x80)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = (byte)(Unsafe.Add(ref s, i) ^ 0x80);
        }
    }

    /// <summary>
    /// The int8 input as uint8 (q + 128, i.e. q ^ 0x80) inside a padded buffer whose border holds zp_in + 128, so
    /// that every window the kernel reads lies inside and padded cells contribute nothing after the bias fold.
    /// </summary>
    internal static void ToUnsigned(ref sbyte input, ref byte padded, int height, int rowBytes, int paddedHeight, int paddedRowBytes, int top, int leftBytes, byte fill, int vectorBits)
    {
        if (top == 0 && leftBytes == 0 && paddedRowBytes == rowBytes)
        {
            if (paddedHeight > height)
            {
                Unsafe.InitBlockUnaligned(ref Unsafe.Add(ref padded, height * rowBytes), fill, (uint)((paddedHeight - height) * rowBytes));
            }

            FlipSign(ref input, ref padded, height * rowBytes, vectorBits);
            return;
        }

        Unsafe.InitBlockUnaligned(ref padded, fill, (uint)(paddedHeight * paddedRowBytes));
        for (int y = 0; y < height; y++)
        {
            FlipSign(ref Unsafe.Add(ref input, y * rowBytes), ref Unsafe.Add(ref padded, (top + y) * paddedRowBytes + leftBytes), rowBytes, vectorBits);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Zero padding of an HWC image, moved as bytes (a pixel is <paramref name="pixelBytes"/>: channels times the element
    /// size): the rows above and below and the pixels left and right of the input get <paramref name="fill"/>, the
    /// int8 zero point (the padded cells mean 0.0), or 0 for float32 (all-zero bytes are +0.0).
    /// </summary>
    internal static void ZeroPad(
        ref byte x, ref byte y, int height, int width, int pixelBytes, int top, int bottom, int left, int right, sbyte fill, int vectorBits)
    {
        byte value = unchecked((byte)fill);
        int inputRow = width * pixelBytes;
        int leftBytes = left * pixelBytes, rightBytes = right * pixelBytes;
        int outputRow = leftBytes + inputRow + rightBytes;
        FillBytes(ref y, top * outputRow, value, vectorBits);
        ref byte row = ref Unsafe.Add(ref y, top * outputRow);
        for (int h = 0; h < height; h++)
        {
            FillBytes(ref row, leftBytes, value, vectorBits);
            CopyBytes(ref Unsafe.Add(ref x, h * inputRow), ref Unsafe.Add(ref row, leftBytes), inputRow, vectorBits);
            FillBytes(ref Unsafe.Add(ref row, leftBytes + inputRow), rightBytes, value, vectorBits);
            row = ref Unsafe.Add(ref row, outputRow);
        }

        FillBytes(ref row, bottom * outputRow, value, vectorBits);
    }

    /// <summary><paramref name="count"/> bytes of <paramref name="value"/>, in the widest vectors <paramref name="vectorBits"/> allows, then one by one.</summary>
    internal static void FillBytes(ref byte target, int count, byte value, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(value);
            for (; i + 64 <= count; i += 64)
            {
                v.StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            var v = Vector256.Create(value);
            for (; i + 32 <= count; i += 32)
            {
                v.StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            var v = Vector128.Create(value);
            for (; i + 16 <= count; i += 16)
            {
                v.StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = value;
        }
    }

    /// <summary><paramref name="count"/> bytes from <paramref name="source"/> (not overlapping the target), widest vectors first.</summary>
    internal static void CopyBytes(ref byte source, ref byte target, int count, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            for (; i + 64 <= count; i += 64)
            {
                Vector512.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= count; i += 32)
            {
                Vector256.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                Vector128.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// <paramref name="count"/> int8 values q as the int16 q + 128 (q ^ 0x80 zero-extended: what the uint8 copy of the
    /// blocked convolution holds, so the same bias fold applies): the AVX2 pointwise kernel widens a chunk of its int8
    /// input once, so that its vpmaddwd read int16 pairs by broadcast instead of shuffling each broadcast per block.
    /// Reads exactly <paramref name="count"/> bytes (16 at a time, then one by one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WidenFlipped(ref sbyte source, ref short target, int count)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            Vector128<byte> signBits = Vector128.Create((byte)0x80);
            for (; i + 16 <= count; i += 16)
            {
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref source, (nuint)i).AsByte() ^ signBits).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = (short)(Unsafe.Add(ref source, i) + 128);
        }
    }
}

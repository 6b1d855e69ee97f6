using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// <paramref name="count"/> uint8 values zero-extended to int16: the AVX2 pointwise kernel widens a chunk of its
    /// input once, so that its vpmaddwd read int16 pairs by broadcast instead of shuffling each broadcast per block.
    /// Reads exactly <paramref name="count"/> bytes (16 at a time, then one by one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WidenUnsigned(ref byte source, ref short target, int count)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            for (; i + 16 <= count; i += 16)
            {
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
        }
    }
}

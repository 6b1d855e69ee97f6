using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// The first <paramref name="count"/> (&lt; 16) bytes of <paramref name="bytes"/> at <paramref name="target"/>, in at
    /// most four stores of 8, 4, 2 and 1 bytes. The callers' counts are constants, so the JIT keeps only the stores
    /// they need: a layer of 24 or 40 channels ends each pixel with one 8-byte store where a loop over the lanes through
    /// the stack (GetElement with a variable index) cost about 3 cycles a byte. No masked store: .NET 10 has it only
    /// through a pointer (Avx512BW.VL.MaskStore), and the generated code is safe C#; no 16-byte store either, whose
    /// bytes past the count belong to the next pixel, possibly another thread's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreFirst(Vector128<sbyte> bytes, ref sbyte target, int count)
    {
        int at = 0;
        if ((count & 8) != 0)
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref target), bytes.AsInt64().ToScalar());
            at = 8;
        }

        if ((count & 4) != 0)
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref target, at)), bytes.AsInt32().GetElement(at / 4));
            at += 4;
        }

        if ((count & 2) != 0)
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref target, at)), bytes.AsInt16().GetElement(at / 2));
            at += 2;
        }

        if ((count & 1) != 0)
        {
            Unsafe.Add(ref target, at) = bytes.GetElement(at);
        }
    }
}

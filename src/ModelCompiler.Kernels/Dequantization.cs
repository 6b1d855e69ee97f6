using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Dequantize over a run, exactly as Quantizer.Dequantize: q - zp is an exact int32, its conversion to float32 is
    /// exact (|q - zp| &lt; 2^24), and the one float32 multiply per lane is the same IEEE operation.
    /// </summary>
    internal static void DequantizeRun(ref sbyte source, ref float target, int count, float scale, int zeroPoint, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Avx512F.IsSupported)
        {
            Vector512<int> zp = Vector512.Create(zeroPoint);
            Vector512<float> s = Vector512.Create(scale);
            for (; i + 16 <= count; i += 16)
            {
                Vector512<int> q = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source, (nuint)i));
                (Vector512.ConvertToSingle(q - zp) * s).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<int> zp = Vector128.Create(zeroPoint);
            Vector128<float> s = Vector128.Create(scale);
            for (; i + 16 <= count; i += 16)
            {
                Vector128<sbyte> v = Vector128.LoadUnsafe(ref source, (nuint)i);
                Vector128<short> low = Vector128.WidenLower(v), high = Vector128.WidenUpper(v);
                (Vector128.ConvertToSingle(Vector128.WidenLower(low) - zp) * s).StoreUnsafe(ref target, (nuint)i);
                (Vector128.ConvertToSingle(Vector128.WidenUpper(low) - zp) * s).StoreUnsafe(ref target, (nuint)(i + 4));
                (Vector128.ConvertToSingle(Vector128.WidenLower(high) - zp) * s).StoreUnsafe(ref target, (nuint)(i + 8));
                (Vector128.ConvertToSingle(Vector128.WidenUpper(high) - zp) * s).StoreUnsafe(ref target, (nuint)(i + 12));
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = Quantizer.Dequantize(Unsafe.Add(ref source, i), scale, zeroPoint);
        }
    }
}

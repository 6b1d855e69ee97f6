using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// Quantize over a run, exactly as Quantizer.Quantize: the float32 division is the same IEEE operation, rounding
    /// an integral-valued float to even is exact in float as in double, and |r| &lt; 256 keeps r + zp exact (larger
    /// values clamp either way); NaN is selected to -128 explicitly.
    /// </summary>
    internal static void QuantizeRun(ref float source, ref sbyte target, int count, float scale, int zeroPoint, int vectorBits)
    {
        int i = 0;
        if (vectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            for (; i + 64 <= count; i += 64)
            {
                var a = QuantizeVector(Vector512.LoadUnsafe(ref source, (nuint)i), scale, zeroPoint);
                var b = QuantizeVector(Vector512.LoadUnsafe(ref source, (nuint)(i + 16)), scale, zeroPoint);
                var c = QuantizeVector(Vector512.LoadUnsafe(ref source, (nuint)(i + 32)), scale, zeroPoint);
                var d = QuantizeVector(Vector512.LoadUnsafe(ref source, (nuint)(i + 48)), scale, zeroPoint);
                Vector512.Narrow(Vector512.Narrow(a, b), Vector512.Narrow(c, d)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                var a = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)i), scale, zeroPoint);
                var b = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)(i + 4)), scale, zeroPoint);
                var c = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)(i + 8)), scale, zeroPoint);
                var d = QuantizeVector(Vector128.LoadUnsafe(ref source, (nuint)(i + 12)), scale, zeroPoint);
                Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref target, i) = (sbyte)Quantizer.Quantize(Unsafe.Add(ref source, i), scale, zeroPoint);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> QuantizeVector(Vector512<float> x, float scale, int zeroPoint)
    {
        Vector512<float> v = Vector512.Round(x / Vector512.Create(scale)) + Vector512.Create((float)zeroPoint);
        v = Vector512.ConditionalSelect(Vector512.Equals(v, v), v, Vector512.Create(-128f));
        return Vector512.ConvertToInt32(Vector512.Min(Vector512.Max(v, Vector512.Create(-128f)), Vector512.Create(127f)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> QuantizeVector(Vector128<float> x, float scale, int zeroPoint)
    {
        Vector128<float> v = Vector128.Round(x / Vector128.Create(scale)) + Vector128.Create((float)zeroPoint);
        v = Vector128.ConditionalSelect(Vector128.Equals(v, v), v, Vector128.Create(-128f));
        return Vector128.ConvertToInt32(Vector128.Min(Vector128.Max(v, Vector128.Create(-128f)), Vector128.Create(127f)));
    }
}

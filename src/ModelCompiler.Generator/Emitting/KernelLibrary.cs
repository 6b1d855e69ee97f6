namespace ModelCompiler.Generator.Emitting;

/// <summary>
/// The inner kernels every generated model shares, emitted as source (the generated code depends on nothing).
/// They are <c>AggressiveInlining</c> and called with literal shapes, so the JIT specialises them per layer. Every
/// vector path computes exactly the scalar path's integers (widening to int16 before <c>MultiplyAddAdjacent</c>
/// means no saturation) or the same float32 operations per lane (multiply then add, never fused).
/// </summary>
public static partial class KernelLibrary
{
    public const string Common = """
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ref T At<T>(ref byte arena, int offset) => ref Unsafe.As<byte, T>(ref Unsafe.Add(ref arena, offset));

        /// <summary>Requantizer.Requantize: clamp(zp + ((acc * M + 2^(s-1)) >> s), min, max) in 64-bit integers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static sbyte Requantize(int accumulator, int multiplier, int shift, int zeroPoint, int min, int max)
        {
            long scaled = ((long)accumulator * multiplier + (1L << (shift - 1))) >> shift;
            long result = scaled + zeroPoint;
            return (sbyte)(result < min ? min : result > max ? max : result);
        }

        /// <summary>Quantizer.Quantize: clamp(roundHalfToEven(x / scale) + zp, -128, 127); NaN gives -128.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static sbyte Quantize(float x, float scale, int zeroPoint)
        {
            float ratio = x / scale;
            double rounded = Math.Round((double)ratio, MidpointRounding.ToEven) + zeroPoint;
            return (sbyte)(rounded >= 127 ? 127 : rounded > -128 ? (int)rounded : -128);
        }

        /// <summary>
        /// Quantize over a run, exactly as the scalar Quantize: the float32 division is the same IEEE operation, rounding
        /// an integral-valued float to even is exact in float as in double, and |r| &lt; 256 keeps r + zp exact (larger
        /// values clamp either way); NaN is selected to -128 explicitly.
        /// </summary>
        private static void QuantizeRun(ref float source, ref sbyte target, int count, float scale, int zeroPoint, int vectorBits)
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
                Unsafe.Add(ref target, i) = Quantize(Unsafe.Add(ref source, i), scale, zeroPoint);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> QuantizeVector(Vector512<float> x, float scale, int zeroPoint)
        {
            Vector512<float> v = Vector512.Round(x / Vector512.Create(scale)) + Vector512.Create((float)zeroPoint);
            v = Vector512.ConditionalSelect(Vector512.Equals(v, v), v, Vector512.Create(-128f));
            return Vector512.ConvertToInt32(Vector512.Min(Vector512.Max(v, Vector512.Create(-128f)), Vector512.Create(127f)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> QuantizeVector(Vector128<float> x, float scale, int zeroPoint)
        {
            Vector128<float> v = Vector128.Round(x / Vector128.Create(scale)) + Vector128.Create((float)zeroPoint);
            v = Vector128.ConditionalSelect(Vector128.Equals(v, v), v, Vector128.Create(-128f));
            return Vector128.ConvertToInt32(Vector128.Min(Vector128.Max(v, Vector128.Create(-128f)), Vector128.Create(127f)));
        }

        /// <summary>target[i] = (byte)(source[i] + 128).</summary>
        private static void FlipSign(ref sbyte source, ref byte target, int count)
        {
            ref byte s = ref Unsafe.As<sbyte, byte>(ref source);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 64 <= count; i += 64)
                {
                    (Vector512.LoadUnsafe(ref s, (nuint)i) ^ Vector512.Create((byte)0x80)).StoreUnsafe(ref target, (nuint)i);
                }
            }

            if (Vector128.IsHardwareAccelerated)
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

        /// <summary>Quantizer.Activate: 0 none, 1 ReLU, 2 ReLU6 (NaN becomes 0 under both).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Activate(float x, int activation) =>
            activation == 1 ? (x > 0f ? x : 0f) : activation == 2 ? (x > 0f ? (x < 6f ? x : 6f) : 0f) : x;
        """;
}

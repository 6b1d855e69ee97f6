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

        /// <summary>Quantizer.Activate: 0 none, 1 ReLU, 2 ReLU6 (NaN becomes 0 under both).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Activate(float x, int activation) =>
            activation == 1 ? (x > 0f ? x : 0f) : activation == 2 ? (x > 0f ? (x < 6f ? x : 6f) : 0f) : x;
        """;
}

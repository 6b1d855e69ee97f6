using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

/// <summary>The project's one rounding (<c>Requantizer</c>): a kernel's <c>TRounding</c> for models without <c>rounding tflite</c>.</summary>
internal readonly struct SingleRounding
{
}

/// <summary>TFLite's double rounding as one (<c>TfliteRequantizer.RoundingTerm</c>): a kernel's <c>TRounding</c> for <c>rounding tflite</c>.</summary>
internal readonly struct TfliteRounding
{
}

internal static partial class KernelLibrary
{
    /// <summary>
    /// The requantization of <typeparamref name="TRounding"/>. The generated code names the rule as a type argument, so
    /// the JIT compiles each kernel once per rule and the test below folds away: no branch on a flag in any loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Requantize<TRounding>(int accumulator, int multiplier, int shift, int zeroPoint, int min, int max)
        where TRounding : struct =>
        typeof(TRounding) == typeof(TfliteRounding)
            ? TfliteRequantizer.Requantize(accumulator, multiplier, shift, zeroPoint, min, max)
            : Requantizer.Requantize(accumulator, multiplier, shift, zeroPoint, min, max);

    /// <summary>
    /// The constant a vector lane adds to its 64-bit product before the arithmetic shift: <paramref name="term"/> (the
    /// rule's term for a non-negative product, <c>2^(shift-1)</c>, plus <c>2^30</c> with TFLite's rule when shift &gt; 31),
    /// and with TFLite's rule <paramref name="negativeCorrection"/> (<c>-2^31</c> when shift &gt; 31, else 0) where the
    /// product is negative (docs/arithmetic.md, "TFLite's rule as one rounding").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<long> RoundingTerm<TRounding>(Vector512<long> product, Vector512<long> term, Vector512<long> negativeCorrection)
        where TRounding : struct =>
        typeof(TRounding) == typeof(TfliteRounding) ? term + (Vector512.LessThan(product, Vector512<long>.Zero) & negativeCorrection) : term;

    /// <inheritdoc cref="RoundingTerm{TRounding}(Vector512{long}, Vector512{long}, Vector512{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<long> RoundingTerm<TRounding>(Vector256<long> product, Vector256<long> term, Vector256<long> negativeCorrection)
        where TRounding : struct =>
        typeof(TRounding) == typeof(TfliteRounding) ? term + (Vector256.LessThan(product, Vector256<long>.Zero) & negativeCorrection) : term;

    /// <inheritdoc cref="RoundingTerm{TRounding}(Vector512{long}, Vector512{long}, Vector512{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<long> RoundingTerm<TRounding>(Vector128<long> product, Vector128<long> term, Vector128<long> negativeCorrection)
        where TRounding : struct =>
        typeof(TRounding) == typeof(TfliteRounding) ? term + (Vector128.LessThan(product, Vector128<long>.Zero) & negativeCorrection) : term;

    /// <summary>The rule's term for a non-negative product (<see cref="RoundingTerm{TRounding}(Vector512{long}, Vector512{long}, Vector512{long})"/>) at <paramref name="shift"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long PositiveTerm<TRounding>(int shift)
        where TRounding : struct =>
        typeof(TRounding) == typeof(TfliteRounding) ? TfliteRequantizer.RoundingTerm(0, shift) : 1L << (shift - 1);

    /// <summary>What TFLite's rule adds to the term of a negative product at <paramref name="shift"/>: <c>-2^31</c> when shift &gt; 31, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long NegativeCorrection(int shift) => shift > 31 ? -(1L << 31) : 0;
}

namespace ModelCompiler.Arithmetic;

/// <summary>
/// IEEE 754 binary16 conversions, written out so that the reference interpreter and the generated code (the generator
/// emits this file into every consuming assembly; float16 weights are widened with <see cref="ToSingle"/>) share them.
/// </summary>
public static class HalfConversion
{
    /// <summary>Widens half bits to float32 exactly.</summary>
    public static float ToSingle(ushort half)
    {
        uint sign = (uint)(half & 0x8000) << 16;
        int exponent = (half >> 10) & 0x1F;
        uint mantissa = (uint)(half & 0x3FF);
        uint bits;
        if (exponent == 0x1F)
        {
            bits = sign | 0x7F800000u | (mantissa << 13);
        }
        else if (exponent != 0)
        {
            bits = sign | ((uint)(exponent + 112) << 23) | (mantissa << 13);
        }
        else if (mantissa == 0)
        {
            bits = sign;
        }
        else
        {
            // Subnormal half: normalise into a float32 exponent.
            int e = 113;
            while ((mantissa & 0x400) == 0)
            {
                mantissa <<= 1;
                e--;
            }

            bits = sign | ((uint)e << 23) | ((mantissa & 0x3FF) << 13);
        }

        return BitConverter.Int32BitsToSingle(unchecked((int)bits));
    }

    /// <summary>Rounds float32 to the nearest half, ties to even; overflow becomes infinity, NaN stays NaN.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = unchecked((uint)BitConverter.SingleToInt32Bits(value));
        uint sign = (bits >> 16) & 0x8000;
        int exponent = (int)((bits >> 23) & 0xFF);
        uint mantissa = bits & 0x7FFFFF;
        if (exponent == 0xFF)
        {
            // NaN keeps the top payload bits and becomes quiet, as System.Half does.
            return (ushort)(sign | 0x7C00 | (mantissa != 0 ? 0x200u | (mantissa >> 13) : 0u));
        }

        int e = exponent - 112;
        if (e >= 0x1F)
        {
            return (ushort)(sign | 0x7C00);
        }

        if (e <= 0)
        {
            if (e < -10)
            {
                return (ushort)sign;
            }

            // Subnormal half: shift the full significand and round to nearest even.
            uint full = mantissa | 0x800000;
            int shift = 14 - e;
            uint result = full >> shift;
            uint remainder = full & ((1u << shift) - 1);
            uint halfway = 1u << (shift - 1);
            if (remainder > halfway || (remainder == halfway && (result & 1) != 0))
            {
                result++;
            }

            return (ushort)(sign | result);
        }

        uint half = ((uint)e << 10) | (mantissa >> 13);
        uint rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0))
        {
            half++; // may carry into the exponent, and up to infinity: both are the correct rounding
        }

        return (ushort)(sign | half);
    }
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// The <c>preprocess</c> and <c>input_quant</c> header fields that make the format's pixel path (float32
/// <c>x = p·scale + offset</c>, then <c>Quantize(x)</c>, docs/arithmetic.md) give, for every raw pixel value p in
/// 0..255, exactly the int8 value the source model's first int8 tensor holds for that pixel. Each candidate is checked
/// on all 256 values; one that misses any value is refused, never approximated.
/// </summary>
internal static class InputPreprocessing
{
    /// <summary>
    /// A uint8 input (scale <paramref name="pixel"/>) turned into int8 (<paramref name="network"/>) by TFLite's
    /// QUANTIZE, which requantizes <c>p - zp</c> with the multiplier of <c>s_in / s_out</c> (reference_ops::Requantize).
    /// </summary>
    public static (Preprocessing Preprocessing, QuantParams InputQuant)? FromUInt8Quantize(QuantParams pixel, QuantParams network, out string description)
    {
        var multiplier = TfliteMultiplier.FromReal((double)pixel.Scale / network.Scale);
        var candidate = new Preprocessing(pixel.Scale, -pixel.ZeroPoint * pixel.Scale);
        int Expected(int p) => Math.Clamp(TfliteRequantizer.MultiplyByQuantizedMultiplier(p - pixel.ZeroPoint, multiplier) + network.ZeroPoint, -128, 127);
        return Check(candidate, network, Expected, $"uint8 pixel p (scale={pixel.Scale:R} zero_point={pixel.ZeroPoint}) quantized to int8 (scale={network.Scale:R} zero_point={network.ZeroPoint})", out description);
    }

    /// <summary>An int8 input: the raw pixel p is fed as <c>p - 128</c> (the usual uint8-to-int8 shift), whatever its scale.</summary>
    public static (Preprocessing Preprocessing, QuantParams InputQuant)? FromInt8(QuantParams network, out string description)
    {
        var candidate = new Preprocessing(network.Scale, (-128 - network.ZeroPoint) * network.Scale);
        return Check(candidate, network, p => p - 128, $"int8 input (scale={network.Scale:R} zero_point={network.ZeroPoint}) fed p - 128", out description);
    }

    private static (Preprocessing, QuantParams)? Check(Preprocessing candidate, QuantParams network, Func<int, int> expected, string source, out string description)
    {
        for (int p = 0; p < 256; p++)
        {
            float x = (p * candidate.Scale) + candidate.Offset;
            int ours = Quantizer.Quantize(x, network.Scale, network.ZeroPoint);
            if (ours != expected(p))
            {
                description = $"{source}: preprocess scale={candidate.Scale:R} offset={candidate.Offset:R} gives {ours} for pixel {p}, the source {expected(p)}";
                return null;
            }
        }

        description = $"{source}: preprocess scale={candidate.Scale:R} offset={candidate.Offset:R}, input_quant scale={network.Scale:R} zero_point={network.ZeroPoint}; all 256 pixel values give the source's int8 value";
        return (candidate, network);
    }
}

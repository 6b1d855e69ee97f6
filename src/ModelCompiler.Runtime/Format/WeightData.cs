namespace ModelCompiler.Format;

/// <summary>
/// The constants of a Conv2D or Dense layer. The concrete type is the layer's precision, so a layer cannot
/// carry weights of one precision and a bias of another. Weight order: Conv2D OIHW
/// <c>[filters][in channels][kernel h][kernel w]</c> (PyTorch's order), Dense <c>[units][inputs]</c>.
/// Per-channel arrays (scales, bias) have one entry per output channel.
/// </summary>
public abstract class WeightData
{
    private protected WeightData()
    {
    }

    public abstract Precision Precision { get; }

    /// <summary>Number of weight elements (not bytes).</summary>
    public abstract int WeightCount { get; }

    /// <summary>Number of output channels (bias entries).</summary>
    public abstract int OutputChannels { get; }

    /// <summary>Bytes the weights and bias occupy in memory at this precision (what a deployed model carries).</summary>
    public abstract long ByteSize { get; }
}

/// <summary>
/// TFLite int8: weights int8 symmetric per output channel in [-127, 127] (or, with a <see cref="WeightZeroPoint"/>,
/// asymmetric per layer); bias int32 at scale s_in * s_w[c].
/// With <see cref="WeightBits"/> 7 every weight is in [-63, 63], which lets a u8 x s8 kernel sum two products in
/// int16 without saturating (see docs/qmodel-format.md, <c>weight_bits</c>).
/// </summary>
public sealed class Int8Weights(sbyte[] values, float[] scales, int[] bias, int weightBits = Int8Weights.FullBits, int weightZeroPoint = 0) : WeightData
{
    /// <summary>The default: symmetric 8-bit weights, [-127, 127].</summary>
    public const int FullBits = 8;

    /// <summary>Symmetric 7-bit weights, [-63, 63].</summary>
    public const int ReducedBits = 7;

    public sbyte[] Values { get; } = values;
    public float[] Scales { get; } = scales;
    public int[] Bias { get; } = bias;

    /// <summary>8 or 7: the weights lie in [-(2^(bits-1) - 1), 2^(bits-1) - 1]. The file states 7 as <c>weight_bits 7</c>.</summary>
    public int WeightBits { get; } = weightBits;

    /// <summary>
    /// The weights' zero point, one per layer (the file's <c>weight_zero_point</c>; 0 when absent): a weight's real
    /// value is <c>scale × (w − WeightZeroPoint)</c>. Non-zero only for TFLite's legacy uint8 scheme, whose per-tensor
    /// weights are asymmetric; then every int8 value, -128 included, is allowed and <c>w − zw</c> spans [-255, 255].
    /// </summary>
    public int WeightZeroPoint { get; } = weightZeroPoint;

    /// <summary>Largest |w − WeightZeroPoint|: 127 (or 63) for symmetric weights, 255 with a zero point.</summary>
    public int MaxCenteredMagnitude => WeightZeroPoint == 0 ? MaxMagnitude(WeightBits) : 255;

    /// <summary>Largest |weight| that <paramref name="bits"/> allows: 127 for 8, 63 for 7.</summary>
    public static int MaxMagnitude(int bits) => (1 << (bits - 1)) - 1;
    public override Precision Precision => Precision.Int8;
    public override int WeightCount => Values.Length;
    public override int OutputChannels => Bias.Length;
    public override long ByteSize => Values.Length + 4L * Scales.Length + 4L * Bias.Length;
}

/// <summary>Dynamic range: int8 symmetric per-channel weights dequantized to float; float activations and bias.</summary>
public sealed class DynamicInt8Weights(sbyte[] values, float[] scales, float[] bias) : WeightData
{
    public sbyte[] Values { get; } = values;
    public float[] Scales { get; } = scales;
    public float[] Bias { get; } = bias;
    public override Precision Precision => Precision.DynamicInt8;
    public override int WeightCount => Values.Length;
    public override int OutputChannels => Bias.Length;
    public override long ByteSize => Values.Length + 4L * Scales.Length + 4L * Bias.Length;
}

/// <summary>Unquantized float32 weights and bias.</summary>
public sealed class Float32Weights(float[] values, float[] bias) : WeightData
{
    public float[] Values { get; } = values;
    public float[] Bias { get; } = bias;
    public override Precision Precision => Precision.Float32;
    public override int WeightCount => Values.Length;
    public override int OutputChannels => Bias.Length;
    public override long ByteSize => 4L * Values.Length + 4L * Bias.Length;
}

/// <summary>IEEE 754 binary16 weights (raw bits) widened to float32 at run time; float32 bias.</summary>
public sealed class Float16Weights(ushort[] values, float[] bias) : WeightData
{
    public ushort[] Values { get; } = values;
    public float[] Bias { get; } = bias;
    public override Precision Precision => Precision.Float16;
    public override int WeightCount => Values.Length;
    public override int OutputChannels => Bias.Length;
    public override long ByteSize => 2L * Values.Length + 4L * Bias.Length;
}

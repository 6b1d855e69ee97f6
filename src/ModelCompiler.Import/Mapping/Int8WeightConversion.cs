using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// TFLite's int8 filters and int32 biases into the format's <see cref="Int8Weights"/>: the layout changes
/// (CONV_2D OHWI to OIHW, DEPTHWISE_CONV_2D <c>[1, KH, KW, C]</c> to <c>[C][1][KH][KW]</c>, FULLY_CONNECTED as is), the
/// values do not. What the format cannot hold (asymmetric or uint8 weights, a -128, a bias at another scale than
/// <c>s_in·s_w[c]</c>) is a problem naming the operator and the tensor.
/// </summary>
internal static class Int8WeightConversion
{
    /// <summary>How the source lays its filter out.</summary>
    public enum FilterLayout
    {
        /// <summary>CONV_2D <c>[O, KH, KW, I]</c>, scales on axis 0.</summary>
        Ohwi,

        /// <summary>DEPTHWISE_CONV_2D <c>[1, KH, KW, C]</c>, scales on axis 3.</summary>
        Depthwise,

        /// <summary>FULLY_CONNECTED <c>[units, inputs]</c>, scales on axis 0.</summary>
        UnitsInputs,
    }

    /// <summary>The weights of <paramref name="op"/> (filter input 1, optional bias input 2) for an input of scale <paramref name="inputScale"/>; null after reporting problems.</summary>
    public static Int8Weights? Convert(SourceModel model, SourceOperator op, FilterLayout layout, float inputScale, ImportProblems problems)
    {
        var filter = model.Tensors[op.Inputs[1]];
        var shape = filter.Shape!;
        int channels = layout == FilterLayout.Depthwise ? shape[^1] : shape[0];
        int axis = layout == FilterLayout.Depthwise ? shape.Count - 1 : 0;
        int before = problems.Count;
        if (filter.Type == ElementType.UInt8 && filter.Quantization is { } legacy)
        {
            return Legacy(model, op, filter, legacy, layout, channels, inputScale, problems);
        }

        if (filter.Type != ElementType.Int8 || filter.Quantization is not { } q)
        {
            problems.Add(op, $"input 1 '{filter.Name}'",
                $"{filter.Type} weights: only int8 weights and per-tensor uint8 weights (the legacy scheme) are mapped");
            return null;
        }

        if (q.ZeroPoints.Any(z => z != 0))
        {
            problems.Add(op, $"input 1 '{filter.Name}'", $"weight zero point {q.ZeroPoints.First(z => z != 0)}: the format's int8 weights are symmetric (zero point 0)");
        }

        if (q.IsPerChannel && q.Axis != axis)
        {
            problems.Add(op, $"input 1 '{filter.Name}'", $"per-channel scales on axis {q.Axis}; this operator's output channels are axis {axis}");
        }

        var values = filter.ReadInt8();
        int minus128 = Array.IndexOf(values, sbyte.MinValue);
        if (minus128 >= 0)
        {
            problems.Add(op, $"input 1 '{filter.Name}'", $"weight {minus128} is -128: TFLite's int8 weights are [-127, 127] and so are the format's");
        }

        var scales = q.IsPerChannel ? q.Scales.ToArray() : Enumerable.Repeat(q.Scales[0], channels).ToArray();
        var bias = Bias(model, op, channels, inputScale, scales, problems);
        if (problems.Count > before || bias is null)
        {
            return null;
        }

        return new Int8Weights(Reorder(values, shape, layout), scales, bias);
    }

    /// <summary>
    /// TFLite's legacy uint8 weights: per tensor, zero point zw in [0, 255], mapped by <see cref="WithZeroPoint"/>.
    /// </summary>
    private static Int8Weights? Legacy(SourceModel model, SourceOperator op, SourceTensor filter, TensorQuantization q, FilterLayout layout, int channels, float inputScale, ImportProblems problems)
    {
        if (q.IsPerChannel && (q.Scales.Distinct().Count() > 1 || q.ZeroPoints.Distinct().Count() > 1))
        {
            problems.Add(op, $"input 1 '{filter.Name}'", "uint8 weights with per-channel scales or zero points: the legacy scheme is per tensor, and so is the format's weight zero point");
            return null;
        }

        if (WithZeroPoint(filter.ReadIntegers(), ElementType.UInt8, q.ZeroPoints[0], out string? problem) is not var (values, stored))
        {
            problems.Add(op, $"input 1 '{filter.Name}'", problem!);
            return null;
        }

        var scales = Enumerable.Repeat(q.Scales[0], channels).ToArray();
        var bias = Bias(model, op, channels, inputScale, scales, problems);
        return bias is null ? null : new Int8Weights(Reorder(values, filter.Shape!, layout), scales, bias, Int8Weights.FullBits, stored);
    }

    /// <summary>
    /// Weights with one zero point zw in the format's terms (docs/qmodel-format.md, "Weight zero point"): int8 values as
    /// they are, uint8 values (TFLite's legacy scheme, a uint8 QDQ initializer) as int8 <c>w − 128</c> with the zero
    /// point <c>zw − 128</c>, so <c>w − zw</c> is unchanged, -128 included. Null with <paramref name="problem"/> when the
    /// format cannot hold them: zw outside the type's range, or a stored zero point of 0 (symmetric) with a -128.
    /// </summary>
    public static (sbyte[] Values, int ZeroPoint)? WithZeroPoint(long[] raw, ElementType type, long zeroPoint, out string? problem)
    {
        var (min, max, shift) = type == ElementType.UInt8 ? (0, 255, 128) : (-128, 127, 0);
        if (zeroPoint < min || zeroPoint > max)
        {
            problem = $"{type.ToString().ToLowerInvariant()} weight zero point {zeroPoint} is outside [{min}, {max}]";
            return null;
        }

        var values = new sbyte[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            values[i] = unchecked((sbyte)(raw[i] - shift));
        }

        int stored = (int)zeroPoint - shift;
        if (stored == 0 && Array.IndexOf(values, sbyte.MinValue) is int minimum and >= 0)
        {
            // The zero point centres the weights exactly (uint8 128, int8 0): then a stored -128 is outside the symmetric range.
            problem = $"weight {minimum} is {raw[minimum]} with zero point {zeroPoint}: w - zw = -128 is outside the format's symmetric int8 range";
            return null;
        }

        problem = null;
        return (values, stored);
    }

    private static int[]? Bias(SourceModel model, SourceOperator op, int channels, float inputScale, float[] weightScales, ImportProblems problems)
    {
        if (op.Inputs.Count < 3 || op.Inputs[2] < 0)
        {
            return new int[channels];
        }

        var tensor = model.Tensors[op.Inputs[2]];
        if (tensor.Type != ElementType.Int32)
        {
            problems.Add(op, $"input 2 '{tensor.Name}'", $"{tensor.Type} bias: int8 layers need an int32 bias");
            return null;
        }

        if (tensor.ElementCount != channels)
        {
            problems.Add(op, $"input 2 '{tensor.Name}'", $"{tensor.ElementCount} bias values for {channels} output channels");
            return null;
        }

        if (tensor.Quantization is { } q)
        {
            for (int c = 0; c < channels; c++)
            {
                // TFLite's own tolerance (GetQuantizedConvolutionMultipler): the bias must be at scale s_in·s_w[c].
                double expected = (double)inputScale * weightScales[c];
                double actual = q.Scales[q.Scales.Count == 1 ? 0 : c];
                if (!IsBiasScale(actual, expected) || q.ZeroPoints[q.ZeroPoints.Count == 1 ? 0 : c] != 0)
                {
                    problems.Add(op, $"input 2 '{tensor.Name}'",
                        $"bias {c} has scale {actual:R} zero point {q.ZeroPoints[q.ZeroPoints.Count == 1 ? 0 : c]}; the format's int32 bias is at s_in·s_w = {expected:R}, zero point 0");
                    return null;
                }
            }
        }

        return tensor.ReadInt32();
    }

    /// <summary>Whether a stored bias scale is s_in·s_w within TFLite's own tolerance (GetQuantizedConvolutionMultipler).</summary>
    public static bool IsBiasScale(double actual, double expected) => Math.Abs(expected - actual) <= 1e-6 * Math.Min(expected, actual);

    /// <summary>A filter in the format's layout (<see cref="FilterLayout"/>); the float32 TFLite mapper reorders float filters with it.</summary>
    public static T[] Reorder<T>(T[] source, IReadOnlyList<int> shape, FilterLayout layout)
    {
        if (layout == FilterLayout.UnitsInputs)
        {
            return source;
        }

        var result = new T[source.Length];
        if (layout == FilterLayout.Depthwise)
        {
            int kh = shape[1], kw = shape[2], c = shape[3];
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        result[((ch * kh) + ky) * kw + kx] = source[((ky * kw) + kx) * c + ch];
                    }
                }
            }

            return result;
        }

        int o = shape[0], h = shape[1], w = shape[2], i = shape[3];
        for (int oc = 0; oc < o; oc++)
        {
            for (int ky = 0; ky < h; ky++)
            {
                for (int kx = 0; kx < w; kx++)
                {
                    for (int ic = 0; ic < i; ic++)
                    {
                        result[(((oc * i) + ic) * h + ky) * w + kx] = source[(((oc * h) + ky) * w + kx) * i + ic];
                    }
                }
            }
        }

        return result;
    }
}

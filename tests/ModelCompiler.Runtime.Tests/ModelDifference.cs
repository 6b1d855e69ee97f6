using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests;

/// <summary>
/// Deep structural comparison of two models: every field, every weight, floats compared by their bits (so -0 and
/// 0 differ, and equal NaN payloads would match). <see cref="Layer.Line"/> is ignored: it is where a layer was read,
/// not part of the model. Inputs are compared as the tensors they name: an empty <see cref="Layer.Inputs"/> reads the
/// previous layer's output, as a version 1 file says, so it equals naming that layer.
/// </summary>
public static class ModelDifference
{
    /// <summary>A description of the first difference, or null if the models are equal.</summary>
    public static string? Find(QModel a, QModel b)
    {
        return Compare("name", a.Name, b.Name)
            ?? Compare("input shape", a.InputShape, b.InputShape)
            ?? Compare("input layout", a.InputLayout, b.InputLayout)
            ?? Floats("preprocess scale", a.Preprocessing.Scale, b.Preprocessing.Scale)
            ?? Floats("preprocess offset", a.Preprocessing.Offset, b.Preprocessing.Offset)
            ?? Quant("input quant", a.InputQuant, b.InputQuant)
            ?? Sequence("labels", a.Labels, b.Labels, (x, y, i) => Compare($"label {i}", x, y))
            ?? Sequence("provenance", a.Provenance, b.Provenance, (x, y, i) => Compare($"provenance {i}", x, y))
            ?? Sequence("layers", a.Layers, b.Layers, LayerDifference)
            ?? Sequence("layer inputs", Enumerable.Range(0, a.Layers.Count).ToList(), Enumerable.Range(0, b.Layers.Count).ToList(), (i, _, _) =>
                Sequence($"layer {i} ('{a.Layers[i].Name}') inputs", ModelGraph.InputNames(a.Layers, i), ModelGraph.InputNames(b.Layers, i), (x, y, k) => Compare($"input {k}", x, y)));
    }

    /// <summary>Fails the test with the first difference.</summary>
    public static void AssertEqual(QModel expected, QModel actual)
    {
        string? difference = Find(expected, actual);
        Assert.True(difference is null, difference);
    }

    private static string? LayerDifference(Layer a, Layer b, int i)
    {
        string at = $"layer {i} ('{a.Name}')";
        if ((Compare(at + " name", a.Name, b.Name) ?? Compare(at + " op", a.Op, b.Op)) is { } basic)
        {
            return basic;
        }

        return (a, b) switch
        {
            (Conv2DLayer x, Conv2DLayer y) =>
                Compare(at + " filters/kernel/stride",
                    (x.Filters, x.KernelHeight, x.KernelWidth, x.StrideHeight, x.StrideWidth),
                    (y.Filters, y.KernelHeight, y.KernelWidth, y.StrideHeight, y.StrideWidth))
                ?? Compare(at + " padding", x.Padding, y.Padding)
                ?? Compare(at + " activation", x.Activation, y.Activation)
                ?? Quant(at + " output quant", x.OutputQuant, y.OutputQuant)
                ?? WeightDifference(at, x.Weights, y.Weights),
            (DepthwiseConv2DLayer x, DepthwiseConv2DLayer y) =>
                Compare(at + " kernel/stride",
                    (x.KernelHeight, x.KernelWidth, x.StrideHeight, x.StrideWidth),
                    (y.KernelHeight, y.KernelWidth, y.StrideHeight, y.StrideWidth))
                ?? Compare(at + " padding", x.Padding, y.Padding)
                ?? Compare(at + " activation", x.Activation, y.Activation)
                ?? Quant(at + " output quant", x.OutputQuant, y.OutputQuant)
                ?? WeightDifference(at, x.Weights, y.Weights),
            (AddLayer x, AddLayer y) =>
                Compare(at + " activation", x.Activation, y.Activation)
                ?? Quant(at + " output quant", x.OutputQuant, y.OutputQuant),
            (DenseLayer x, DenseLayer y) =>
                Compare(at + " units", x.Units, y.Units)
                ?? Compare(at + " activation", x.Activation, y.Activation)
                ?? Quant(at + " output quant", x.OutputQuant, y.OutputQuant)
                ?? WeightDifference(at, x.Weights, y.Weights),
            (Pool2DLayer x, Pool2DLayer y) => Compare(
                at + " pool",
                (x.IsMax, x.PoolHeight, x.PoolWidth, x.StrideHeight, x.StrideWidth, x.Padding),
                (y.IsMax, y.PoolHeight, y.PoolWidth, y.StrideHeight, y.StrideWidth, y.Padding)),
            (GlobalAveragePoolLayer x, GlobalAveragePoolLayer y) =>
                Quant(at + " output quant", x.OutputQuant, y.OutputQuant)
                ?? Compare(at + " rounding", x.RoundingOverride, y.RoundingOverride),
            (FlattenLayer x, FlattenLayer y) => Compare(at + " order", x.Order, y.Order),
            (PadLayer x, PadLayer y) => Compare(at + " padding", (x.Top, x.Bottom, x.Left, x.Right), (y.Top, y.Bottom, y.Left, y.Right)),
            (QuantizeLayer x, QuantizeLayer y) => Quant(at + " output quant", x.Output, y.Output),
            _ => Compare(at + " type", a.GetType(), b.GetType()),
        };
    }

    private static string? WeightDifference(string at, WeightData a, WeightData b) => (a, b) switch
    {
        (Int8Weights x, Int8Weights y) =>
            Compare(at + " weight bits", x.WeightBits, y.WeightBits)
            ?? Sequence(at + " weights", x.Values, y.Values, Element) ?? Sequence(at + " scales", x.Scales, y.Scales, FloatElement)
            ?? Sequence(at + " bias", x.Bias, y.Bias, Element),
        (DynamicInt8Weights x, DynamicInt8Weights y) =>
            Sequence(at + " weights", x.Values, y.Values, Element) ?? Sequence(at + " scales", x.Scales, y.Scales, FloatElement)
            ?? Sequence(at + " bias", x.Bias, y.Bias, FloatElement),
        (Float32Weights x, Float32Weights y) =>
            Sequence(at + " weights", x.Values, y.Values, FloatElement) ?? Sequence(at + " bias", x.Bias, y.Bias, FloatElement),
        (Float16Weights x, Float16Weights y) =>
            Sequence(at + " weights", x.Values, y.Values, Element) ?? Sequence(at + " bias", x.Bias, y.Bias, FloatElement),
        _ => $"{at} precision: {a.Precision} vs {b.Precision}",
    };

    private static string? Element<T>(T x, T y, int i) => Compare($"element {i}", x, y);

    private static string? FloatElement(float x, float y, int i) => Floats($"element {i}", x, y);

    private static string? Sequence<T>(string what, IReadOnlyList<T> a, IReadOnlyList<T> b, Func<T, T, int, string?> element)
    {
        if (a.Count != b.Count)
        {
            return $"{what}: {a.Count} vs {b.Count} entries";
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (element(a[i], b[i], i) is { } difference)
            {
                return $"{what}: {difference}";
            }
        }

        return null;
    }

    private static string? Quant(string what, QuantParams? a, QuantParams? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? null : $"{what}: {a?.ToString() ?? "none"} vs {b?.ToString() ?? "none"}";
        }

        return Floats(what + " scale", a.Value.Scale, b.Value.Scale) ?? Compare(what + " zero point", a.Value.ZeroPoint, b.Value.ZeroPoint);
    }

    private static string? Floats(string what, float a, float b) =>
        BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b)
            ? null
            : $"{what}: {a:R} (0x{BitConverter.SingleToInt32Bits(a):X8}) vs {b:R} (0x{BitConverter.SingleToInt32Bits(b):X8})";

    private static string? Compare<T>(string what, T a, T b) =>
        EqualityComparer<T>.Default.Equals(a, b) ? null : $"{what}: {a} vs {b}";
}

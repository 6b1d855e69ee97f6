namespace ModelCompiler.Format;

/// <summary>
/// Infers every tensor of a sequential model and checks that each layer accepts what the previous one
/// produces. The single place that walks the model, so the reader, interpreter, generator and trainer agree; what
/// each layer accepts and produces is its operator's rule (<see cref="OperatorCatalog"/>).
/// </summary>
public static class TensorChain
{
    /// <summary>Largest height, width or channel count of any tensor, kernel or stride.</summary>
    public const int MaxDimension = 16384;

    /// <summary>Largest element count of one tensor or one weight block (2^26).</summary>
    public const int MaxElements = 1 << 26;

    /// <summary>
    /// Returns <c>Layers.Count + 1</c> tensors: the network input, then each layer's output.
    /// Throws <see cref="QModelFormatException"/> naming the offending layer's line.
    /// </summary>
    public static TensorInfo[] Infer(QModel model)
    {
        var input = model.InputShape;
        LayerChecks.CheckImage(input, 0, "input");
        if (model.InputQuant is { } iq)
        {
            LayerChecks.CheckQuant(iq, 0, "input quantization");
        }

        var tensors = new TensorInfo[model.Layers.Count + 1];
        tensors[0] = new TensorInfo(input, model.InputQuant is null ? ElementKind.Float32 : ElementKind.Int8, model.InputQuant);
        if (model.Layers.Count == 0)
        {
            throw new QModelFormatException(QModelError.EmptyModel, 0, "the model has no layers");
        }

        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var op = OperatorCatalog.Of(layer);
            if (op.OnlyLast && i != model.Layers.Count - 1)
            {
                throw new QModelFormatException(QModelError.OutputMismatch, layer.Line, $"{op.Word} layer '{layer.Name}' must be the last layer");
            }

            tensors[i + 1] = op.Infer(layer, [tensors[i]]);
        }

        var output = tensors[tensors.Length - 1];
        var last = model.Layers[model.Layers.Count - 1];
        if (!output.Shape.IsVector || output.Shape.Channels != model.Labels.Count)
        {
            throw new QModelFormatException(
                QModelError.OutputMismatch, last.Line,
                $"the model's output {output.Shape} does not match its {model.Labels.Count} labels (expected [{model.Labels.Count}])");
        }

        return tensors;
    }

    /// <summary>The output tensor of <paramref name="layer"/> applied to <paramref name="input"/>.</summary>
    public static TensorInfo Next(TensorInfo input, Layer layer) => OperatorCatalog.Of(layer).Infer(layer, [input]);

    /// <summary>Output length along one axis, with TensorFlow's valid/same rules.</summary>
    public static int OutputSize(int input, int kernel, int stride, Padding padding) =>
        padding == Padding.Valid ? (input - kernel) / stride + 1 : (input + stride - 1) / stride;

    /// <summary>Padding before the first element along one axis (TensorFlow: the odd extra goes after).</summary>
    public static int PaddingBefore(int input, int kernel, int stride, Padding padding) =>
        padding == Padding.Valid ? 0 : PaddingTotal(input, kernel, stride) / 2;

    /// <summary>Padding after the last element along one axis: the rest of the total, so it is the larger half.</summary>
    public static int PaddingAfter(int input, int kernel, int stride, Padding padding) =>
        padding == Padding.Valid ? 0 : PaddingTotal(input, kernel, stride) - PaddingTotal(input, kernel, stride) / 2;

    /// <summary>A scale is usable when it is finite, positive and not denormal (its reciprocal must be finite too).</summary>
    public static bool IsValidScale(float scale) => scale >= 1.1754944e-38f && scale <= float.MaxValue;

    /// <summary>The spelling of a precision in the file.</summary>
    public static string PrecisionName(Precision precision) => precision switch
    {
        Precision.Int8 => "int8",
        Precision.Float32 => "float32",
        Precision.DynamicInt8 => "dynamic_int8",
        Precision.Float16 => "float16",
        _ => precision.ToString(),
    };

    /// <summary>Cells of 'same' padding along one axis, before and after together.</summary>
    private static int PaddingTotal(int input, int kernel, int stride) =>
        Math.Max((OutputSize(input, kernel, stride, Padding.Same) - 1) * stride + kernel - input, 0);
}

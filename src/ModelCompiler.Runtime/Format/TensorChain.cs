namespace ModelCompiler.Format;

/// <summary>
/// Infers every tensor of a sequential model and checks that each layer accepts what the previous one
/// produces. The single place that knows output shapes, so the reader, interpreter, generator and trainer agree.
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
        CheckImage(input, 0, "input");
        if (model.InputQuant is { } iq)
        {
            CheckQuant(iq, 0, "input quantization");
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
            if (layer is SoftmaxLayer && i != model.Layers.Count - 1)
            {
                throw new QModelFormatException(QModelError.OutputMismatch, layer.Line, $"softmax layer '{layer.Name}' must be the last layer");
            }

            tensors[i + 1] = Next(tensors[i], layer);
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
    public static TensorInfo Next(TensorInfo input, Layer layer)
    {
        switch (layer)
        {
            case Conv2DLayer conv:
            {
                RequireImage(input, layer);
                CheckPositive(conv.Filters, layer, "filters");
                CheckPositive(conv.KernelHeight, layer, "kernel height");
                CheckPositive(conv.KernelWidth, layer, "kernel width");
                CheckPositive(conv.StrideHeight, layer, "stride height");
                CheckPositive(conv.StrideWidth, layer, "stride width");
                int oh = OutputSize(input.Shape.Height, conv.KernelHeight, conv.StrideHeight, conv.Padding, layer, "height");
                int ow = OutputSize(input.Shape.Width, conv.KernelWidth, conv.StrideWidth, conv.Padding, layer, "width");
                long perFilter = (long)input.Shape.Channels * conv.KernelHeight * conv.KernelWidth;
                CheckWeights(conv.Weights, conv.Filters, perFilter, layer);
                var outKind = CheckPrecision(input, conv.Weights.Precision, conv.OutputQuant, layer);
                if (conv.Weights is Int8Weights w8)
                {
                    CheckWeightBits(w8, layer);
                    CheckAccumulator(w8, perFilter, layer);
                }

                return new TensorInfo(Image(oh, ow, conv.Filters, layer), outKind, conv.OutputQuant);
            }

            case DenseLayer dense:
            {
                if (!input.Shape.IsVector)
                {
                    throw Mismatch(layer, $"dense layer '{layer.Name}' needs a flat input but receives {input.Shape}; add a flatten layer before it");
                }

                CheckPositive(dense.Units, layer, "units");
                CheckWeights(dense.Weights, dense.Units, input.Shape.Channels, layer);
                var outKind = CheckPrecision(input, dense.Weights.Precision, dense.OutputQuant, layer);
                if (dense.Weights is Int8Weights w8)
                {
                    CheckWeightBits(w8, layer);
                    CheckAccumulator(w8, input.Shape.Channels, layer);
                }

                return new TensorInfo(TensorShape.Vector(dense.Units), outKind, dense.OutputQuant);
            }

            case Pool2DLayer pool:
            {
                RequireImage(input, layer);
                CheckPositive(pool.PoolHeight, layer, "pool height");
                CheckPositive(pool.PoolWidth, layer, "pool width");
                CheckPositive(pool.StrideHeight, layer, "stride height");
                CheckPositive(pool.StrideWidth, layer, "stride width");
                int oh = OutputSize(input.Shape.Height, pool.PoolHeight, pool.StrideHeight, pool.Padding, layer, "height");
                int ow = OutputSize(input.Shape.Width, pool.PoolWidth, pool.StrideWidth, pool.Padding, layer, "width");
                return input with { Shape = Image(oh, ow, input.Shape.Channels, layer) };
            }

            case GlobalAveragePoolLayer:
                RequireImage(input, layer);
                return input with { Shape = TensorShape.Vector(input.Shape.Channels) };

            case FlattenLayer:
                RequireImage(input, layer);
                return input with { Shape = TensorShape.Vector(input.Shape.Length) };

            case SoftmaxLayer:
                if (!input.Shape.IsVector)
                {
                    throw Mismatch(layer, $"softmax layer '{layer.Name}' needs a flat input but receives {input.Shape}");
                }

                return new TensorInfo(input.Shape, ElementKind.Float32, null);

            case QuantizeLayer q:
                if (input.Kind != ElementKind.Float32)
                {
                    throw Mismatch(layer, $"quantize layer '{layer.Name}' needs a float32 input but receives an int8 tensor");
                }

                CheckQuant(q.Output, layer.Line, $"quantization of layer '{layer.Name}'");
                return new TensorInfo(input.Shape, ElementKind.Int8, q.Output);

            case DequantizeLayer:
                if (input.Kind != ElementKind.Int8)
                {
                    throw Mismatch(layer, $"dequantize layer '{layer.Name}' needs an int8 input but receives a float32 tensor");
                }

                return new TensorInfo(input.Shape, ElementKind.Float32, null);

            default:
                throw new QModelFormatException(QModelError.UnknownOp, layer.Line, $"layer '{layer.Name}' has an op this version does not support");
        }
    }

    /// <summary>Output length along one axis, with TensorFlow's valid/same rules.</summary>
    public static int OutputSize(int input, int kernel, int stride, Padding padding) =>
        padding == Padding.Valid ? (input - kernel) / stride + 1 : (input + stride - 1) / stride;

    /// <summary>Padding before the first element along one axis (TensorFlow: the odd extra goes after).</summary>
    public static int PaddingBefore(int input, int kernel, int stride, Padding padding)
    {
        if (padding == Padding.Valid)
        {
            return 0;
        }

        int output = OutputSize(input, kernel, stride, padding);
        int total = Math.Max((output - 1) * stride + kernel - input, 0);
        return total / 2;
    }

    private static int OutputSize(int input, int kernel, int stride, Padding padding, Layer layer, string axis)
    {
        if (padding == Padding.Valid && kernel > input)
        {
            throw Mismatch(layer, $"layer '{layer.Name}': window {axis} {kernel} is larger than its input {axis} {input} with valid padding");
        }

        return OutputSize(input, kernel, stride, padding);
    }

    private static ElementKind CheckPrecision(TensorInfo input, Precision precision, QuantParams? outputQuant, Layer layer)
    {
        if (precision == Precision.Int8)
        {
            if (input.Kind != ElementKind.Int8)
            {
                throw Mismatch(layer, $"int8 layer '{layer.Name}' receives a float32 tensor; insert a quantize layer before it");
            }

            if (outputQuant is not { } oq)
            {
                throw new QModelFormatException(QModelError.MissingField, layer.Line, $"int8 layer '{layer.Name}' has no output quantization");
            }

            CheckQuant(oq, layer.Line, $"output quantization of layer '{layer.Name}'");
            return ElementKind.Int8;
        }

        if (input.Kind != ElementKind.Float32)
        {
            throw Mismatch(layer, $"{PrecisionName(precision)} layer '{layer.Name}' receives an int8 tensor; insert a dequantize layer before it");
        }

        if (outputQuant is not null)
        {
            throw new QModelFormatException(QModelError.Syntax, layer.Line, $"{PrecisionName(precision)} layer '{layer.Name}' must not carry an output quantization");
        }

        return ElementKind.Float32;
    }

    private static void CheckWeights(WeightData weights, int outputs, long perOutput, Layer layer)
    {
        long expected = outputs * perOutput;
        if (expected > MaxElements)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, layer.Line, $"layer '{layer.Name}' would need {expected} weights, more than the limit {MaxElements}");
        }

        if (weights.WeightCount != expected)
        {
            throw new QModelFormatException(QModelError.WeightCountMismatch, layer.Line, $"layer '{layer.Name}' has {weights.WeightCount} weights but its shape needs {expected}");
        }

        if (weights.OutputChannels != outputs)
        {
            throw new QModelFormatException(QModelError.WeightCountMismatch, layer.Line, $"layer '{layer.Name}' has {weights.OutputChannels} bias values but {outputs} outputs");
        }

        float[]? scales = weights switch
        {
            Int8Weights w => w.Scales,
            DynamicInt8Weights w => w.Scales,
            _ => null,
        };
        if (scales is not null)
        {
            if (scales.Length != outputs)
            {
                throw new QModelFormatException(QModelError.WeightCountMismatch, layer.Line, $"layer '{layer.Name}' has {scales.Length} weight scales but {outputs} output channels");
            }

            for (int i = 0; i < scales.Length; i++)
            {
                if (!IsValidScale(scales[i]))
                {
                    throw new QModelFormatException(QModelError.InvalidScale, layer.Line, $"layer '{layer.Name}': weight scale {i} is {scales[i]}; scales must be finite and positive");
                }
            }
        }
    }

    /// <summary>
    /// <c>weight_bits 7</c> is a promise the generator relies on (u8 x s8 pairs summed in int16 stay exact only while
    /// |w| &lt;= 64), so every weight is checked, not just trusted.
    /// </summary>
    private static void CheckWeightBits(Int8Weights weights, Layer layer)
    {
        int bits = weights.WeightBits;
        if (bits != Int8Weights.FullBits && bits != Int8Weights.ReducedBits)
        {
            throw new QModelFormatException(
                QModelError.WeightOutsideDeclaredBits, layer.Line, $"layer '{layer.Name}' declares {bits}-bit weights; int8 layers have 8 or 7");
        }

        if (bits == Int8Weights.FullBits)
        {
            return; // -128, the one value outside [-127, 127], is refused by the reader at its data line (WeightOutOfRange)
        }

        int limit = Int8Weights.MaxMagnitude(bits);
        sbyte[] values = weights.Values;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] > limit || values[i] < -limit)
            {
                throw new QModelFormatException(
                    QModelError.WeightOutsideDeclaredBits, layer.Line,
                    $"layer '{layer.Name}' declares weight_bits {bits} but weights[{i}] is {values[i]}, outside [-{limit}, {limit}]");
            }
        }
    }

    private static void CheckAccumulator(Int8Weights weights, long perOutput, Layer layer)
    {
        // |x - zp| <= 255 and |w| <= 127: the sum must stay inside int32 for every input, or the kernels' wrap-around
        // arithmetic would stop agreeing with the real-valued model.
        long maxBias = 0;
        foreach (int b in weights.Bias)
        {
            maxBias = Math.Max(maxBias, Math.Abs((long)b));
        }

        long worst = maxBias + perOutput * 255 * 127;
        if (worst > int.MaxValue)
        {
            throw new QModelFormatException(
                QModelError.AccumulatorOverflow, layer.Line,
                $"layer '{layer.Name}' sums {perOutput} products per output; with its bias the int32 accumulator could reach {worst}");
        }
    }

    private static void CheckQuant(QuantParams q, int line, string what)
    {
        if (!IsValidScale(q.Scale))
        {
            throw new QModelFormatException(QModelError.InvalidScale, line, $"{what}: scale {q.Scale} must be finite and positive");
        }

        if (q.ZeroPoint < -128 || q.ZeroPoint > 127)
        {
            throw new QModelFormatException(QModelError.InvalidZeroPoint, line, $"{what}: zero point {q.ZeroPoint} is outside [-128, 127]");
        }
    }

    /// <summary>A scale is usable when it is finite, positive and not denormal (its reciprocal must be finite too).</summary>
    public static bool IsValidScale(float scale) => scale >= 1.1754944e-38f && scale <= float.MaxValue;

    private static void RequireImage(TensorInfo input, Layer layer)
    {
        if (input.Shape.IsVector)
        {
            throw Mismatch(layer, $"layer '{layer.Name}' ({layer.Op}) needs an (H, W, C) input but receives the flat tensor {input.Shape}");
        }
    }

    private static void CheckImage(TensorShape shape, int line, string what)
    {
        if (shape.IsVector)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, line, $"{what} must be an image (height, width, channels)");
        }

        CheckDim(shape.Height, line, what + " height");
        CheckDim(shape.Width, line, what + " width");
        CheckDim(shape.Channels, line, what + " channels");
        if ((long)shape.Height * shape.Width * shape.Channels > MaxElements)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, line, $"{what} {shape} has more than {MaxElements} elements");
        }
    }

    private static TensorShape Image(int height, int width, int channels, Layer layer)
    {
        var shape = TensorShape.Image(height, width, channels);
        CheckImage(shape, layer.Line, $"output of layer '{layer.Name}'");
        return shape;
    }

    private static void CheckPositive(int value, Layer layer, string what)
    {
        if (value < 1 || value > MaxDimension)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, layer.Line, $"layer '{layer.Name}': {what} {value} is outside [1, {MaxDimension}]");
        }
    }

    private static void CheckDim(int value, int line, string what)
    {
        if (value < 1 || value > MaxDimension)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, line, $"{what} {value} is outside [1, {MaxDimension}]");
        }
    }

    private static QModelFormatException Mismatch(Layer layer, string message) =>
        new(QModelError.ShapeMismatch, layer.Line, message);

    /// <summary>The spelling of a precision in the file.</summary>
    public static string PrecisionName(Precision precision) => precision switch
    {
        Precision.Int8 => "int8",
        Precision.Float32 => "float32",
        Precision.DynamicInt8 => "dynamic_int8",
        Precision.Float16 => "float16",
        _ => precision.ToString(),
    };
}

namespace ModelCompiler.Format;

/// <summary>
/// The checks operators make while inferring a layer's output: each throws a <see cref="QModelFormatException"/>
/// with the error code of its rule and the layer's line.
/// </summary>
internal static class LayerChecks
{
    public static void RequireImage(TensorInfo input, Layer layer)
    {
        if (input.Shape.IsVector)
        {
            throw Mismatch(layer, $"layer '{layer.Name}' ({layer.Op}) needs an (H, W, C) input but receives the flat tensor {input.Shape}");
        }
    }

    public static void Positive(int value, Layer layer, string what)
    {
        if (value < 1 || value > TensorChain.MaxDimension)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, layer.Line, $"layer '{layer.Name}': {what} {value} is outside [1, {TensorChain.MaxDimension}]");
        }
    }

    /// <summary>An amount that may be zero (padding), as <see cref="Positive"/> checks sizes: [0, <see cref="TensorChain.MaxDimension"/>].</summary>
    public static void Amount(int value, Layer layer, string what)
    {
        if (value < 0 || value > TensorChain.MaxDimension)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, layer.Line, $"layer '{layer.Name}': {what} {value} is outside [0, {TensorChain.MaxDimension}]");
        }
    }

    /// <summary>
    /// The output height and width of a window (<paramref name="window"/> is "kernel" or "pool") sliding over an image:
    /// window and stride sizes in range, and a window that fits its input with valid padding.
    /// </summary>
    public static (int Height, int Width) Window(
        TensorInfo input, Layer layer, string window, int windowHeight, int windowWidth, int strideHeight, int strideWidth, Padding padding)
    {
        Positive(windowHeight, layer, window + " height");
        Positive(windowWidth, layer, window + " width");
        Positive(strideHeight, layer, "stride height");
        Positive(strideWidth, layer, "stride width");
        return (
            WindowOutput(input.Shape.Height, windowHeight, strideHeight, padding, layer, "height"),
            WindowOutput(input.Shape.Width, windowWidth, strideWidth, padding, layer, "width"));
    }

    private static int WindowOutput(int input, int kernel, int stride, Padding padding, Layer layer, string axis)
    {
        if (padding == Padding.Valid && kernel > input)
        {
            throw Mismatch(layer, $"layer '{layer.Name}': window {axis} {kernel} is larger than its input {axis} {input} with valid padding");
        }

        return TensorChain.OutputSize(input, kernel, stride, padding);
    }

    /// <summary>An (H, W, C) output shape, within the format's limits.</summary>
    public static TensorShape Image(int height, int width, int channels, Layer layer)
    {
        var shape = TensorShape.Image(height, width, channels);
        CheckImage(shape, layer.Line, $"output of layer '{layer.Name}'");
        return shape;
    }

    public static void CheckImage(TensorShape shape, int line, string what)
    {
        if (shape.IsVector)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, line, $"{what} must be an image (height, width, channels)");
        }

        CheckDimension(shape.Height, line, what + " height");
        CheckDimension(shape.Width, line, what + " width");
        CheckDimension(shape.Channels, line, what + " channels");
        if ((long)shape.Height * shape.Width * shape.Channels > TensorChain.MaxElements)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, line, $"{what} {shape} has more than {TensorChain.MaxElements} elements");
        }
    }

    public static void CheckQuant(QuantParams q, int line, string what)
    {
        if (!TensorChain.IsValidScale(q.Scale))
        {
            throw new QModelFormatException(QModelError.InvalidScale, line, $"{what}: scale {q.Scale} must be finite and positive");
        }

        if (q.ZeroPoint < -128 || q.ZeroPoint > 127)
        {
            throw new QModelFormatException(QModelError.InvalidZeroPoint, line, $"{what}: zero point {q.ZeroPoint} is outside [-128, 127]");
        }
    }

    /// <summary>
    /// What every weighted layer must satisfy once its input is known: <paramref name="outputs"/> output channels of
    /// <paramref name="perOutput"/> weights each, the precision's rule for the input and output element types, and
    /// for int8 the declared weight width and an accumulator that cannot overflow. Returns the output element type.
    /// </summary>
    public static ElementKind Weighted(TensorInfo input, WeightedLayer layer, int outputs, long perOutput)
    {
        CheckWeights(layer.Weights, outputs, perOutput, layer);
        var outKind = CheckPrecision(input, layer.Weights.Precision, layer.OutputQuant, layer);
        if (layer.Weights is Int8Weights w8)
        {
            CheckWeightBits(w8, layer);
            CheckAccumulator(w8, perOutput, layer);
        }

        return outKind;
    }

    public static QModelFormatException Mismatch(Layer layer, string message) =>
        new(QModelError.ShapeMismatch, layer.Line, message);

    private static void CheckDimension(int value, int line, string what)
    {
        if (value < 1 || value > TensorChain.MaxDimension)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, line, $"{what} {value} is outside [1, {TensorChain.MaxDimension}]");
        }
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
            throw Mismatch(layer, $"{TensorChain.PrecisionName(precision)} layer '{layer.Name}' receives an int8 tensor; insert a dequantize layer before it");
        }

        if (outputQuant is not null)
        {
            throw new QModelFormatException(QModelError.Syntax, layer.Line, $"{TensorChain.PrecisionName(precision)} layer '{layer.Name}' must not carry an output quantization");
        }

        return ElementKind.Float32;
    }

    private static void CheckWeights(WeightData weights, int outputs, long perOutput, Layer layer)
    {
        long expected = outputs * perOutput;
        if (expected > TensorChain.MaxElements)
        {
            throw new QModelFormatException(QModelError.InvalidDimension, layer.Line, $"layer '{layer.Name}' would need {expected} weights, more than the limit {TensorChain.MaxElements}");
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
                if (!TensorChain.IsValidScale(scales[i]))
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

        if (weights.WeightZeroPoint is < -128 or > 127)
        {
            throw new QModelFormatException(
                QModelError.InvalidZeroPoint, layer.Line, $"layer '{layer.Name}': weight zero point {weights.WeightZeroPoint} is outside [-128, 127]");
        }

        if (weights.WeightZeroPoint != 0 && bits != Int8Weights.FullBits)
        {
            throw new QModelFormatException(
                QModelError.InvalidAttribute, layer.Line, $"layer '{layer.Name}' has both weight_bits {bits} and a weight zero point; a zero point needs 8-bit weights");
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
        // |x - zp| <= 255 and |w - zw| <= 127 (255 with a weight zero point): the sum must stay inside int32 for every
        // input, or the kernels' wrap-around arithmetic would stop agreeing with the real-valued model.
        long maxBias = 0;
        foreach (int b in weights.Bias)
        {
            maxBias = Math.Max(maxBias, Math.Abs((long)b));
        }

        long worst = maxBias + perOutput * 255 * (weights.WeightZeroPoint == 0 ? 127 : 255);
        if (worst > int.MaxValue)
        {
            throw new QModelFormatException(
                QModelError.AccumulatorOverflow, layer.Line,
                $"layer '{layer.Name}' sums {perOutput} products per output; with its bias the int32 accumulator could reach {worst}");
        }
    }
}

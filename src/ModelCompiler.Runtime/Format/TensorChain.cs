namespace ModelCompiler.Format;

/// <summary>
/// Infers every tensor of a model and checks that each layer accepts the tensors it reads: the single place that walks
/// the model, so the reader, interpreter, generator and trainer agree. Which tensors a layer reads is its
/// <see cref="Layer.Inputs"/> (the previous layer's output when empty); what it accepts and produces is its operator's
/// rule (<see cref="OperatorCatalog"/>).
/// </summary>
public static class TensorChain
{
    /// <summary>Largest height, width or channel count of any tensor, kernel or stride.</summary>
    public const int MaxDimension = 16384;

    /// <summary>Largest element count of one tensor or one weight block (2^26).</summary>
    public const int MaxElements = 1 << 26;

    /// <summary>
    /// Returns <c>Layers.Count + 1</c> tensors: the network input, then each layer's output (which layers read which is
    /// <see cref="InferGraph"/>'s). Throws <see cref="QModelFormatException"/> naming the offending layer's line.
    /// </summary>
    public static TensorInfo[] Infer(QModel model) => (TensorInfo[])InferGraph(model).TensorArray.Clone();

    /// <summary>
    /// The model's tensors and connections, validated: every name a layer reads is the model input or an earlier
    /// layer (<see cref="QModelError.DanglingReference"/>, <see cref="QModelError.ForwardReference"/>, at the line of
    /// the layer's <c>inputs</c>), each layer accepts what it reads (shapes and element types, e.g. of the two tensors of
    /// an addition), every layer's output but the last is read by a later layer (<see cref="QModelError.UnusedTensor"/>),
    /// and the last one matches the labels.
    /// </summary>
    public static ModelGraph InferGraph(QModel model)
    {
        var input = model.InputShape;
        LayerChecks.CheckImage(input, 0, "input");
        if (model.InputQuant is { } iq)
        {
            LayerChecks.CheckQuant(iq, 0, "input quantization");
        }

        var layers = model.Layers;
        var tensors = new TensorInfo[layers.Count + 1];
        tensors[0] = new TensorInfo(input, model.InputQuant is null ? ElementKind.Float32 : ElementKind.Int8, model.InputQuant);
        if (layers.Count == 0)
        {
            throw new QModelFormatException(QModelError.EmptyModel, 0, "the model has no layers");
        }

        var positions = NamePositions(layers);
        var reads = new int[layers.Count][];
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var op = OperatorCatalog.Of(layer);
            if (op.OnlyLast && i != layers.Count - 1)
            {
                throw new QModelFormatException(QModelError.OutputMismatch, layer.Line, $"{op.Word} layer '{layer.Name}' must be the last layer");
            }

            reads[i] = Resolve(layers, i, op, positions);
            var inputs = new TensorInfo[reads[i].Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                inputs[k] = tensors[reads[i][k]];
            }

            tensors[i + 1] = op.Infer(layer, inputs);
        }

        var names = new string[tensors.Length];
        names[0] = ModelGraph.InputName;
        for (int i = 0; i < layers.Count; i++)
        {
            names[i + 1] = layers[i].Name;
        }

        var graph = new ModelGraph(tensors, names, reads);
        for (int t = 1; t < graph.OutputTensor; t++)
        {
            if (graph.ConsumersOf(t).Count == 0)
            {
                var unused = layers[ModelGraph.ProducerOf(t)];
                throw new QModelFormatException(
                    QModelError.UnusedTensor, unused.Line,
                    $"no layer reads the output of layer '{unused.Name}'; only the last layer's output, the model's, may be left unread");
            }
        }

        var output = tensors[tensors.Length - 1];
        var last = layers[layers.Count - 1];
        if (!output.Shape.IsVector || output.Shape.Channels != model.Labels.Count)
        {
            throw new QModelFormatException(
                QModelError.OutputMismatch, last.Line,
                $"the model's output {output.Shape} does not match its {model.Labels.Count} labels (expected [{model.Labels.Count}])");
        }

        return graph;
    }

    /// <summary>The output tensor of <paramref name="layer"/> applied to <paramref name="input"/>.</summary>
    public static TensorInfo Next(TensorInfo input, Layer layer) => OperatorCatalog.Of(layer).Infer(layer, [input]);

    /// <summary>The output tensor of <paramref name="layer"/> reading <paramref name="inputs"/> (in the order its inputs name them).</summary>
    public static TensorInfo Next(IReadOnlyList<TensorInfo> inputs, Layer layer)
    {
        var op = OperatorCatalog.Of(layer);
        if (inputs.Count != op.InputCount)
        {
            throw new ArgumentException($"{op.Word} layer '{layer.Name}' reads {op.InputCount} tensors, not {inputs.Count}", nameof(inputs));
        }

        return op.Infer(layer, inputs);
    }

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

    /// <summary>
    /// Layer positions by name, for models whose layers name their inputs (null for a chain that names none): names
    /// must then be unique, and no layer may be called <see cref="ModelGraph.InputName"/>, which means the model input.
    /// </summary>
    private static Dictionary<string, int>? NamePositions(IReadOnlyList<Layer> layers)
    {
        bool named = false;
        foreach (var layer in layers)
        {
            named |= layer.Inputs.Count > 0;
        }

        if (!named)
        {
            return null;
        }

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.Name == ModelGraph.InputName)
            {
                throw new QModelFormatException(
                    QModelError.InvalidLayerName, layer.Line, $"a layer may not be called '{ModelGraph.InputName}' in a graph: inputs use that name for the model input");
            }

            if (positions.TryGetValue(layer.Name, out int first))
            {
                throw new QModelFormatException(
                    QModelError.InvalidLayerName, layer.Line, $"layer name '{layer.Name}' is already used (line {layers[first].Line}); inputs name layers, so names must be unique");
            }

            positions[layer.Name] = i;
        }

        return positions;
    }

    /// <summary>The tensors layer <paramref name="position"/> reads (tensor i + 1 is layer i's output).</summary>
    private static int[] Resolve(IReadOnlyList<Layer> layers, int position, LayerOperator op, Dictionary<string, int>? positions)
    {
        var layer = layers[position];
        var names = layer.Inputs;
        if (names.Count == 0)
        {
            if (op.InputCount != 1)
            {
                throw new QModelFormatException(
                    QModelError.MissingField, layer.Line, $"{op.Word} layer '{layer.Name}' reads {op.InputCount} tensors and must name them (inputs)");
            }

            return [position];
        }

        int line = layer.InputsLine != 0 ? layer.InputsLine : layer.Line;
        if (names.Count != op.InputCount)
        {
            throw new QModelFormatException(
                QModelError.Syntax, line, $"{op.Word} layer '{layer.Name}' reads {op.InputCount} tensor{(op.InputCount == 1 ? "" : "s")} but its inputs name {names.Count}");
        }

        var reads = new int[names.Count];
        for (int k = 0; k < names.Count; k++)
        {
            string name = names[k];
            if (name == ModelGraph.InputName)
            {
                reads[k] = 0;
            }
            else if (positions!.TryGetValue(name, out int producer))
            {
                if (producer >= position)
                {
                    int later = layers[producer].Line;
                    string what = producer == position
                        ? $"layer '{layer.Name}' reads its own output"
                        : $"layer '{layer.Name}' reads '{name}', which comes after it" + (later > 0 ? $" (line {later})" : "");
                    throw new QModelFormatException(
                        QModelError.ForwardReference, line, what + "; a layer reads only the model input and earlier layers' outputs, so the graph has no cycles");
                }

                reads[k] = ModelGraph.OutputOf(producer);
            }
            else
            {
                throw new QModelFormatException(
                    QModelError.DanglingReference, line,
                    $"layer '{layer.Name}' reads '{FieldValues.Shorten(name)}', which is neither '{ModelGraph.InputName}' (the model input) nor the name of a layer");
            }
        }

        return reads;
    }

    /// <summary>Cells of 'same' padding along one axis, before and after together.</summary>
    private static int PaddingTotal(int input, int kernel, int stride) =>
        Math.Max((OutputSize(input, kernel, stride, Padding.Same) - 1) * stride + kernel - input, 0);
}

namespace ModelCompiler.Import;

/// <summary>
/// A classifier as a TFLite or ONNX file states it, before any mapping into <c>.qmodel</c>: its tensors (shapes,
/// element types, constant data, quantization), its operators in execution order with their options, and its graph
/// inputs and outputs, all in the source's own layout (<see cref="Layout"/>). Readers fill it
/// (<see cref="Tflite.TfliteReader"/>, <see cref="Onnx.OnnxReader"/>); <see cref="Validation.SourceModelValidator"/>
/// says what of it cannot be imported; docs/import.md describes it.
/// </summary>
public sealed class SourceModel
{
    public required SourceFormat Format { get; init; }

    /// <summary>The layout of 4-D activations and weights in this model (NHWC for TFLite, NCHW for ONNX).</summary>
    public required TensorLayout Layout { get; init; }

    /// <summary>Who wrote the file, as it says (TFLite: schema version and description; ONNX: producer and opset).</summary>
    public required string Producer { get; init; }

    /// <summary>Every tensor, by index; operators and the graph refer to tensors by these indices.</summary>
    public required IReadOnlyList<SourceTensor> Tensors { get; init; }

    /// <summary>The operators in execution order (every input is a constant, a graph input or an earlier output).</summary>
    public required IReadOnlyList<SourceOperator> Operators { get; init; }

    /// <summary>Indices of the graph's input tensors (constant initializers are not inputs).</summary>
    public required IReadOnlyList<int> Inputs { get; init; }

    /// <summary>Indices of the graph's output tensors.</summary>
    public required IReadOnlyList<int> Outputs { get; init; }

    /// <summary>
    /// What the reader did that the file does not say in so many words: a dynamic batch dimension read as 1, ONNX
    /// <c>Constant</c> and <c>Identity</c>-of-constant nodes folded into constant tensors.
    /// </summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>ONNX <c>metadata_props</c> (key to value; empty for TFLite): ModelCompiler's export writes its labels and input preprocessing there.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Number of operators of each type (TFLite builtin names such as <c>CONV_2D</c>, ONNX op types such as <c>Conv</c>).</summary>
    public IReadOnlyDictionary<string, int> OperatorCounts()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var op in Operators)
        {
            counts[op.Type] = counts.TryGetValue(op.Type, out int n) ? n + 1 : 1;
        }

        return counts;
    }

    /// <summary>The tensor called <paramref name="name"/> (the first one, if names repeat).</summary>
    public SourceTensor Tensor(string name) =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"no tensor named '{name}'");
}

namespace ModelCompiler.Format;

/// <summary>
/// A quantized image classifier: the in-memory form of a <c>.qmodel</c> file. Its layers are in execution order; each
/// reads the tensors its <see cref="Layer.Inputs"/> names (the previous layer's output when it names none), so a model
/// is a chain (format version 1) or a graph with branches and skip connections (version 2; <see cref="TensorChain.InferGraph"/>).
/// The network input is int8 (quantized with <see cref="InputQuant"/>) when that is set, float32 otherwise.
/// </summary>
public sealed class QModel(
    string name,
    TensorShape inputShape,
    InputLayout inputLayout,
    Preprocessing preprocessing,
    QuantParams? inputQuant,
    IReadOnlyList<string> labels,
    IReadOnlyList<ProvenanceEntry> provenance,
    IReadOnlyList<Layer> layers)
{
    /// <summary>The newest format version: the reader reads versions 1 to this one, and the writer writes the oldest that can hold a model.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>A C# identifier; the generated class is named after it.</summary>
    public string Name { get; } = name;

    /// <summary>The line of the <c>name</c> field in the file the model was read from (0 for a model built in memory).</summary>
    public int NameLine { get; init; }

    public TensorShape InputShape { get; } = inputShape;
    public InputLayout InputLayout { get; } = inputLayout;
    public Preprocessing Preprocessing { get; } = preprocessing;
    public QuantParams? InputQuant { get; } = inputQuant;
    public IReadOnlyList<string> Labels { get; } = labels;
    public IReadOnlyList<ProvenanceEntry> Provenance { get; } = provenance;
    public IReadOnlyList<Layer> Layers { get; } = layers;

    /// <summary>
    /// How the int8 layers round when they requantize: <see cref="Rounding.Single"/> (the default, and what a file
    /// without a <c>rounding</c> line means) or <see cref="Rounding.Tflite"/> (TFLite's double rounding).
    /// </summary>
    public Rounding Rounding { get; init; }
}

namespace ModelCompiler.Format;

/// <summary>
/// One layer of a model. <see cref="Line"/> is where it starts in the file (0 if built in memory). A layer reads the
/// tensors <see cref="Inputs"/> names and produces one tensor, which later layers name by the layer's
/// <see cref="Name"/> (see docs/qmodel-format.md, version 2).
/// </summary>
public abstract class Layer(string name)
{
    private IReadOnlyList<string> _inputs = NoInputs;

    public string Name { get; } = name;
    public int Line { get; init; }
    public abstract LayerOp Op { get; }

    /// <summary>
    /// This layer's requantization rule (<c>rounding single|tflite</c> on an int8 <c>conv2d</c>, <c>depthwise_conv2d</c>,
    /// <c>dense</c> or <c>add</c>), overriding the header's; null (the default): the header's <see cref="QModel.Rounding"/>.
    /// TFLite's builtin kernels mix the rules by operator (an int8 CONV_2D rounds once, through ruy), so a TFLite import
    /// needs them per layer.
    /// </summary>
    public Rounding? RoundingOverride { get; init; }

    /// <summary>The rule this layer requantizes with in <paramref name="model"/>: its own, else the header's.</summary>
    public Rounding RoundingIn(QModel model) => RoundingOverride ?? model.Rounding;

    /// <summary>
    /// The tensors this layer reads, in order: <see cref="ModelGraph.InputName"/> (<c>input</c>) for the model input,
    /// or the name of an earlier layer for its output. Empty (the default, and what every layer of a version 1 file
    /// has) means the previous layer's output, or the model input for the first layer, so sequential models need not
    /// spell it out. A layer that reads several tensors (an addition) must name them.
    /// </summary>
    public IReadOnlyList<string> Inputs
    {
        get => _inputs;
        init => _inputs = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The line of the layer's <c>inputs</c> attribute (0 when it has none): where reference errors point.</summary>
    internal int InputsLine { get; private set; }

    private static readonly string[] NoInputs = [];

    /// <summary>The reader sets the names of a version 2 file's <c>inputs</c> line once the op has built the layer.</summary>
    internal void SetInputs(IReadOnlyList<string> names, int line)
    {
        _inputs = names;
        InputsLine = line;
    }
}

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// What an import did, for people: each source operator mapped into layers, folded into the input preprocessing or
/// output, or dropped (shape-only); the preprocessing it derived; and where the <c>.qmodel</c> computes something
/// other than the source would, bit for bit (<see cref="Differences"/>).
/// </summary>
public sealed class ImportReport
{
    private readonly List<string> _mapped = [];
    private readonly List<string> _folded = [];
    private readonly List<string> _dropped = [];
    private readonly List<string> _differences = [];
    private readonly List<string> _notes = [];

    /// <summary>One line per source operator that became layers: <c>operator 3 (CONV_2D 'x') -> conv2d conv_3</c>.</summary>
    public IReadOnlyList<string> Mapped => _mapped;

    /// <summary>Operators whose work moved into the input preprocessing or the output (the input and output QUANTIZE).</summary>
    public IReadOnlyList<string> Folded => _folded;

    /// <summary>Operators that compute nothing in the format's layout (a RESHAPE of a vector into the same vector).</summary>
    public IReadOnlyList<string> Dropped => _dropped;

    /// <summary>The input preprocessing: how a raw pixel becomes the network's first tensor, and how it was checked.</summary>
    public string Preprocessing { get; internal set; } = "";

    /// <summary>
    /// What the format could represent only with different arithmetic than the source's (rounding), stated so that
    /// no difference is silent. Anything it cannot represent at all is an error instead.
    /// </summary>
    public IReadOnlyList<string> Differences => _differences;

    /// <summary>Other facts: the reader's notes, labels made unique, defaults chosen.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>
    /// An operator as the report names it: its index, type and name, the name cut at its first <c>;</c> (TFLite's
    /// converter joins the names of every fused TensorFlow node with <c>;</c>, hundreds of characters) and at 60 characters.
    /// </summary>
    public static string Describe(SourceOperator op)
    {
        string name = op.Name.Split(';')[0];
        name = name.Length > 60 ? name[..59] + "…" : name;
        return name.Length == 0 ? $"operator {op.Index} ({op.Type})" : $"operator {op.Index} ({op.Type} '{name}')";
    }

    internal void Map(SourceOperator op, string layers) => _mapped.Add($"{Describe(op)} -> {layers}");

    /// <summary>Replaces what <paramref name="op"/> was mapped to (an ONNX layer rebuilt with the activation that follows its QuantizeLinear).</summary>
    internal void Remap(SourceOperator op, string layers)
    {
        _mapped.RemoveAll(line => line.StartsWith(Describe(op) + " -> ", StringComparison.Ordinal));
        Map(op, layers);
    }

    internal void Fold(SourceOperator op, string how) => _folded.Add($"{Describe(op)}: {how}");

    internal void Drop(SourceOperator op, string why) => _dropped.Add($"{Describe(op)}: {why}");

    internal void Differ(string what) => _differences.Add(what);

    internal void Note(string what) => _notes.Add(what);
}

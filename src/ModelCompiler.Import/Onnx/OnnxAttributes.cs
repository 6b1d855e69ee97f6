using ModelCompiler.Onnx.Schema;
using AttributeType = ModelCompiler.Onnx.Schema.AttributeProto.Types.AttributeType;

namespace ModelCompiler.Import.Onnx;

/// <summary>
/// A node's attributes, read by name and type. Attributes the decoder never asks for are reported by
/// <see cref="ReportUnread"/>: an attribute the importer does not understand could change what the node computes, so
/// it is refused rather than ignored.
/// </summary>
internal sealed class OnnxAttributes
{
    private readonly Dictionary<string, AttributeProto> _byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly string _location;
    private readonly ImportProblems _problems;

    public OnnxAttributes(NodeProto node, string location, ImportProblems problems)
    {
        _location = location;
        _problems = problems;
        foreach (var attribute in node.Attribute)
        {
            if (!_byName.TryAdd(attribute.Name, attribute))
            {
                problems.Add(location, attribute.Name, "attribute given twice");
            }
        }
    }

    public bool Has(string name) => _byName.ContainsKey(name);

    public long Int(string name, long defaultValue) =>
        Get(name, AttributeType.Int) is { } a ? a.I : defaultValue;

    public float Float(string name, float defaultValue) =>
        Get(name, AttributeType.Float) is { } a ? a.F : defaultValue;

    public string String(string name, string defaultValue) =>
        Get(name, AttributeType.String) is { } a ? a.S.ToStringUtf8() : defaultValue;

    public long[]? Ints(string name) => Get(name, AttributeType.Ints) is { } a ? a.Ints.ToArray() : null;

    public float[]? Floats(string name) => Get(name, AttributeType.Floats) is { } a ? a.Floats.ToArray() : null;

    public TensorProto? Tensor(string name) => Get(name, AttributeType.Tensor)?.T;

    /// <summary>Adds a problem for each attribute nobody read.</summary>
    public void ReportUnread()
    {
        foreach (var name in _byName.Keys.Where(n => !_read.Contains(n)))
        {
            _problems.Add(_location, name, "attribute not supported");
        }
    }

    private AttributeProto? Get(string name, AttributeType type)
    {
        _read.Add(name);
        if (!_byName.TryGetValue(name, out var attribute))
        {
            return null;
        }

        // Files written before the type field existed leave it UNDEFINED; the field that holds a value says the type.
        var actual = attribute.Type != AttributeType.Undefined ? attribute.Type : Inferred(attribute);
        if (actual != type)
        {
            _problems.Add(_location, name, $"attribute of type {actual} where {type} is expected");
            return null;
        }

        return attribute;
    }

    private static AttributeType Inferred(AttributeProto a) =>
        a.Ints.Count > 0 ? AttributeType.Ints
        : a.Floats.Count > 0 ? AttributeType.Floats
        : a.T is not null ? AttributeType.Tensor
        : !a.S.IsEmpty ? AttributeType.String
        : a.F != 0 ? AttributeType.Float
        : AttributeType.Int;
}

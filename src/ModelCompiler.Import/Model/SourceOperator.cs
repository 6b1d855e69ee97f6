namespace ModelCompiler.Import;

/// <summary>An operator of a <see cref="SourceModel"/>, with its options decoded from the file.</summary>
public sealed class SourceOperator
{
    /// <summary>Position in execution order (TFLite: the operator index; ONNX: the node's position among the nodes that were not folded into constants).</summary>
    public required int Index { get; init; }

    /// <summary>
    /// The operator's name: the ONNX node name, or for TFLite (whose operators have no names) the name of its first
    /// output tensor. Errors name operators by index, type and this name.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>The operator type as the source spells it: a TFLite builtin (<c>CONV_2D</c>, or <c>CUSTOM:name</c>) or an ONNX op type (<c>Conv</c>; <c>domain:Type</c> outside the default domain).</summary>
    public required string Type { get; init; }

    /// <summary>Input tensor indices in the source's order; -1 marks an omitted optional input.</summary>
    public required IReadOnlyList<int> Inputs { get; init; }

    public required IReadOnlyList<int> Outputs { get; init; }

    /// <summary>The decoded options (<see cref="OperatorOptions.None"/> for operators without any, or not decoded).</summary>
    public required OperatorOptions Options { get; init; }

    /// <summary>How errors name it: <c>operator 12 (CONV_2D 'name')</c>.</summary>
    public string Describe() => Name.Length == 0 ? $"operator {Index} ({Type})" : $"operator {Index} ({Type} '{Name}')";

    public override string ToString() => Describe();
}

using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>Which ONNX Flatten and Reshape nodes the QDQ and float mappers map: flattening into <c>[1, N]</c> only.</summary>
internal static class OnnxFlatten
{
    /// <summary>The problem (attribute, message) of flattening <paramref name="input"/> as <paramref name="op"/> does, or null when it is a flatten.</summary>
    public static (string Attribute, string Message)? Problem(SourceModel model, SourceOperator op, TensorShape input)
    {
        var target = model.Tensors[op.Outputs[0]].Shape;
        return target is null || target.Count(d => d != 1) > 1 || target.Aggregate(1L, (n, d) => n * d) != input.Length
            ? (op.Type == "Flatten" ? "axis" : "shape", $"reshaping {input} into [{(target is null ? "?" : string.Join(",", target))}]: only flattening into [1, N] is mapped")
            : null;
    }
}

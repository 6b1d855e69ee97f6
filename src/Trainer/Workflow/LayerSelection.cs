using ModelCompiler.Format;
using ModelCompiler.Trainer.Models;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>What a selection quantizes: a precision per conv/dense layer, and the max pools that run in int8 after a float layer.</summary>
public sealed record QuantizationSelection(Precision[] Precisions, string[] QuantizedPools);

/// <summary>
/// Which layers become int8 (like <c>quantize_annotate_layer</c> + <c>quantize_apply</c>): all conv/dense layers, or
/// those named in --layers, or of the types in --layer-types (the kinds with weights, and maxpool2d). The other
/// conv/dense layers stay float32. A selected max pool after a float layer runs in int8 between a quantize and a
/// dequantize layer, which is what the seed's annotate example (MaxPool2D layers only) amounts to.
/// </summary>
public static class LayerSelection
{
    /// <summary>The --layer-types a selection may use.</summary>
    public static IEnumerable<string> TypeNames => TrainingCatalog.WeightedTypeNames.Append(LayerSpec.TypeName(LayerKind.MaxPool2D));

    public static Precision[] Precisions(ModelDescription model, IReadOnlyList<string>? names, IReadOnlyList<string>? types, Precision selected = Precision.Int8) =>
        Select(model, names, types, selected).Precisions;

    public static QuantizationSelection Select(ModelDescription model, IReadOnlyList<string>? names, IReadOnlyList<string>? types, Precision selected = Precision.Int8)
    {
        var compute = model.Layers.Where(l => l.IsCompute).ToArray();
        var selectable = model.Layers.Where(l => l.IsCompute || l.Kind == LayerKind.MaxPool2D).ToArray();
        bool all = (names is null || names.Count == 0) && (types is null || types.Count == 0);
        var nameSet = new HashSet<string>(names ?? [], StringComparer.Ordinal);
        var typeSet = new HashSet<string>((types ?? []).Select(t => t.ToLowerInvariant()));
        foreach (string unknown in nameSet.Where(n => selectable.All(l => l.Name != n)))
        {
            throw new ModelDescriptionException(
                $"--layers: no conv2d, dense or maxpool2d layer is named '{unknown}' (layers: {string.Join(", ", selectable.Select(l => l.Name))})");
        }

        var typeNames = TypeNames.ToList();
        foreach (string unknown in typeSet.Where(t => !typeNames.Contains(t)))
        {
            throw new ModelDescriptionException($"--layer-types: '{unknown}' is not one of {string.Join(", ", typeNames)}");
        }

        bool Chosen(LayerSpec l) => all || nameSet.Contains(l.Name!) || typeSet.Contains(LayerSpec.TypeName(l.Kind));
        var precisions = compute.Select(l => Chosen(l) ? selected : Precision.Float32).ToArray();
        // With every conv/dense layer int8 the pools are int8 anyway; listing them changes nothing.
        string[] pools = all ? [] : [.. model.Layers.Where(l => l.Kind == LayerKind.MaxPool2D && Chosen(l)).Select(l => l.Name!)];
        if (precisions.All(p => p == Precision.Float32) && pools.Length == 0)
        {
            throw new ModelDescriptionException("the layer selection leaves no layer to quantize");
        }

        return new QuantizationSelection(precisions, pools);
    }
}

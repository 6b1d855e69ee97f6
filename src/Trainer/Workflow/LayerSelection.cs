using ModelCompiler.Format;
using ModelCompiler.Trainer.Models;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>
/// Which conv/dense layers become int8 (like <c>quantize_annotate_layer</c> + <c>quantize_apply</c>): all of them,
/// or those named in --layers, or of the types in --layer-types. The rest stay float32.
/// </summary>
public static class LayerSelection
{
    public static Precision[] Precisions(ModelDescription model, IReadOnlyList<string>? names, IReadOnlyList<string>? types, Precision selected = Precision.Int8)
    {
        var compute = model.Layers.Where(l => l.IsCompute).ToArray();
        bool all = (names is null || names.Count == 0) && (types is null || types.Count == 0);
        var nameSet = new HashSet<string>(names ?? [], StringComparer.Ordinal);
        var typeSet = new HashSet<string>((types ?? []).Select(t => t.ToLowerInvariant()));
        foreach (string unknown in nameSet.Where(n => compute.All(l => l.Name != n)))
        {
            throw new ModelDescriptionException(
                $"--layers: no conv2d or dense layer is named '{unknown}' (layers: {string.Join(", ", compute.Select(l => l.Name))})");
        }

        var weightedTypes = TrainingCatalog.WeightedTypeNames.ToList();
        foreach (string unknown in typeSet.Where(t => !weightedTypes.Contains(t)))
        {
            throw new ModelDescriptionException($"--layer-types: '{unknown}' is not {string.Join(" or ", weightedTypes)}");
        }

        var result = compute.Select(l =>
            all || nameSet.Contains(l.Name!) || typeSet.Contains(LayerSpec.TypeName(l.Kind))
                ? selected
                : Precision.Float32).ToArray();
        if (result.All(p => p == Precision.Float32))
        {
            throw new ModelDescriptionException("the layer selection leaves no layer to quantize");
        }

        return result;
    }
}

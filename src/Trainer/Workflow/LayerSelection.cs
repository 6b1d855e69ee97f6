using ModelCompiler.Format;
using ModelCompiler.Trainer.Models;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>What a selection quantizes: a precision per conv/dense layer, and the max pools that run in int8 after a float layer.</summary>
public sealed record QuantizationSelection(Precision[] Precisions, string[] QuantizedPools);

/// <summary>
/// Which layers become int8 (like <c>quantize_annotate_layer</c> + <c>quantize_apply</c>): all conv/dense layers, or
/// those named in --layers, or of the types in --layer-types (conv2d, dense, maxpool2d). The other conv/dense layers
/// stay float32. A selected max pool after a float layer runs in int8 between a quantize and a dequantize layer,
/// which is what the seed's annotate example (MaxPool2D layers only) amounts to.
/// </summary>
public static class LayerSelection
{
    private static readonly string[] Types = ["conv2d", "dense", "maxpool2d"];

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

        foreach (string unknown in typeSet.Where(t => !Types.Contains(t)))
        {
            throw new ModelDescriptionException($"--layer-types: '{unknown}' is not one of {string.Join(", ", Types)}");
        }

        bool Chosen(LayerSpec l) => all || nameSet.Contains(l.Name!) || typeSet.Contains(TypeName(l.Kind));
        var precisions = compute.Select(l => Chosen(l) ? selected : Precision.Float32).ToArray();
        // With every conv/dense layer int8 the pools are int8 anyway; listing them changes nothing.
        string[] pools = all ? [] : [.. model.Layers.Where(l => l.Kind == LayerKind.MaxPool2D && Chosen(l)).Select(l => l.Name!)];
        if (precisions.All(p => p == Precision.Float32) && pools.Length == 0)
        {
            throw new ModelDescriptionException("the layer selection leaves no layer to quantize");
        }

        return new QuantizationSelection(precisions, pools);
    }

    private static string TypeName(LayerKind kind) => kind switch
    {
        LayerKind.Conv2D => "conv2d",
        LayerKind.Dense => "dense",
        LayerKind.MaxPool2D => "maxpool2d",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

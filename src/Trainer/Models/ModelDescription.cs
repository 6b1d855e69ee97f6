using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A Sequential image classifier as data, like the seed's <c>keras.Sequential([...])</c>: an input shape (height,
/// width, channels) and layers in order. The last Dense layer's units must equal the number of classes.
/// Stored as JSON, e.g. <c>{"name":"tiny","input":[28,28,1],"layers":[{"type":"flatten"},{"type":"dense","units":10}]}</c>.
/// </summary>
public sealed record ModelDescription
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    [JsonPropertyName("name")] public string Name { get; init; } = "model";
    /// <summary>Height, width, channels.</summary>
    [JsonPropertyName("input")] public int[] Input { get; init; } = [];
    [JsonPropertyName("layers")] public LayerSpec[] Layers { get; init; } = [];

    public int InputHeight => Input[0];
    public int InputWidth => Input[1];
    public int InputChannels => Input[2];

    /// <summary>Number of outputs of the last layer (the class count).</summary>
    public int Outputs => Layers.Last(l => l.Kind == LayerKind.Dense).Units;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and validates a description; names missing layers.</summary>
    public static ModelDescription FromJson(string json, string source)
    {
        ModelDescription? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<ModelDescription>(json, Json);
        }
        catch (JsonException e)
        {
            throw new ModelDescriptionException($"{source}: {e.Message}");
        }

        return (parsed ?? throw new ModelDescriptionException($"{source}: empty description")).Validated(source);
    }

    /// <summary>Fills in layer names and checks shapes through the Runtime's <see cref="TensorChain"/>.</summary>
    public ModelDescription Validated(string source)
    {
        if (Input.Length != 3 || Input.Any(d => d < 1 || d > 4096))
        {
            throw new ModelDescriptionException($"{source}: 'input' must be [height, width, channels] with positive sizes");
        }

        if (Layers.Length == 0 || Layers[^1].Kind != LayerKind.Dense)
        {
            throw new ModelDescriptionException($"{source}: the last layer must be a dense layer (the class logits)");
        }

        var counters = new Dictionary<string, int>();
        var named = new List<LayerSpec>();
        var names = new HashSet<string>();
        foreach (var layer in Layers)
        {
            string prefix = layer.Kind switch
            {
                LayerKind.Conv2D => "conv",
                LayerKind.Dense => "dense",
                LayerKind.Dropout => "dropout",
                LayerKind.Flatten => "flatten",
                LayerKind.GlobalAvgPool => "gap",
                _ => "pool",
            };
            counters[prefix] = counters.GetValueOrDefault(prefix) + 1;
            var withName = layer.Name is null ? layer with { Name = prefix + counters[prefix] } : layer;
            if (!names.Add(withName.Name!))
            {
                throw new ModelDescriptionException($"{source}: two layers are named '{withName.Name}'");
            }

            if (withName.Kind == LayerKind.Conv2D && (withName.Filters < 1 || withName.Kernel < 1))
            {
                throw new ModelDescriptionException($"{source}: conv layer '{withName.Name}' needs positive 'filters' and 'kernel'");
            }

            if (withName.Kind == LayerKind.Dense && withName.Units < 1)
            {
                throw new ModelDescriptionException($"{source}: dense layer '{withName.Name}' needs positive 'units'");
            }

            if (withName.Kind == LayerKind.Dropout && (withName.Rate < 0 || withName.Rate >= 1))
            {
                throw new ModelDescriptionException($"{source}: dropout layer '{withName.Name}' needs a rate in [0, 1)");
            }

            if (withName.Kind == LayerKind.AvgPool2D && withName.PaddingMode != Padding.Valid)
            {
                throw new ModelDescriptionException($"{source}: average pool '{withName.Name}' supports 'valid' padding only");
            }

            _ = withName.PaddingMode;
            _ = withName.ActivationFunction;
            named.Add(withName);
        }

        var result = this with { Layers = [.. named] };
        try
        {
            ShapeWalk.Shapes(result);
        }
        catch (QModelFormatException e)
        {
            throw new ModelDescriptionException($"{source}: {e.Message}");
        }

        return result;
    }
}

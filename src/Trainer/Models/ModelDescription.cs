using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// An image classifier as data, like the seed's <c>keras.Sequential([...])</c>: an input shape (height, width,
/// channels) and layers in order, each reading the previous layer's output or the tensors its <c>inputs</c> names (a
/// graph, as Keras' functional API; <see cref="DescriptionGraph"/>). The last layer, a dense layer, gives the class logits.
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

    /// <summary>Fills in layer names, checks the layers' inputs and the shapes (the Runtime's rules, <see cref="TensorChain"/>).</summary>
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
            var op = TrainingCatalog.All.FirstOrDefault(o => o.Kind == layer.Kind)
                ?? throw new ModelDescriptionException($"{source}: layer {named.Count + 1} has an unknown type");
            counters[op.NamePrefix] = counters.GetValueOrDefault(op.NamePrefix) + 1;
            var withName = layer.Name is null ? layer with { Name = op.NamePrefix + counters[op.NamePrefix] } : layer;
            if (!names.Add(withName.Name!))
            {
                throw new ModelDescriptionException($"{source}: two layers are named '{withName.Name}'");
            }

            op.Validate(withName, source);
            if (withName.BatchNorm && !op.AcceptsBatchNorm)
            {
                throw new ModelDescriptionException($"{source}: layer '{withName.Name}': \"batch_norm\" follows only conv2d and depthwise_conv2d layers");
            }

            _ = withName.PaddingMode;
            _ = withName.ActivationFunction;
            named.Add(withName);
        }

        var result = this with { Layers = [.. named] };
        DescriptionGraph.Inputs(result.Layers, source);
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

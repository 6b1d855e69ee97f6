using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary>Kinds of layer a model description can list (the Keras subset the Runtime can run).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LayerKind>))]
public enum LayerKind
{
    [JsonStringEnumMemberName("conv2d")] Conv2D,
    [JsonStringEnumMemberName("depthwise_conv2d")] DepthwiseConv2D,
    [JsonStringEnumMemberName("maxpool2d")] MaxPool2D,
    [JsonStringEnumMemberName("avgpool2d")] AvgPool2D,
    [JsonStringEnumMemberName("globalavgpool")] GlobalAvgPool,
    [JsonStringEnumMemberName("flatten")] Flatten,
    [JsonStringEnumMemberName("pad")] Pad,
    [JsonStringEnumMemberName("dense")] Dense,
    [JsonStringEnumMemberName("dropout")] Dropout,
    [JsonStringEnumMemberName("add")] Add,
}

/// <summary>
/// One layer of a model description. Unused fields keep their defaults; <see cref="Name"/> is filled in
/// (conv1, pool1, dense1, ...) when the file leaves it out. A layer reads the previous layer's output unless
/// <see cref="Inputs"/> names what it reads (a graph: skip connections, additions). Dropout only acts in training and
/// is not exported.
/// </summary>
public sealed record LayerSpec
{
    [JsonPropertyName("type")] public LayerKind Kind { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary>
    /// The tensors the layer reads: <c>input</c> (the model input) or earlier layers' names; absent means the previous
    /// layer's output (the model input for the first layer). An <c>add</c> names its two.
    /// </summary>
    [JsonPropertyName("inputs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Inputs { get; init; }
    [JsonPropertyName("filters")] public int Filters { get; init; }
    [JsonPropertyName("units")] public int Units { get; init; }
    /// <summary>Square kernel (conv) or window (pool) size.</summary>
    [JsonPropertyName("kernel")] public int Kernel { get; init; } = 3;
    /// <summary>Pool window; defaults to 2.</summary>
    [JsonPropertyName("pool")] public int Pool { get; init; } = 2;
    /// <summary>Stride; 0 means 1 for conv and the window size for pools (Keras defaults).</summary>
    [JsonPropertyName("stride")] public int Stride { get; init; }
    [JsonPropertyName("padding")] public string Padding { get; init; } = "valid";
    /// <summary>Zero padding of a pad layer: [all], [height, width] or [top, bottom, left, right]; absent for other kinds.</summary>
    [JsonPropertyName("pads")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? Pads { get; init; }
    [JsonPropertyName("activation")] public string Activation { get; init; } = "none";
    [JsonPropertyName("rate")] public double Rate { get; init; }
    /// <summary>
    /// Batch normalization between a conv2d or depthwise_conv2d and its activation (Keras' Conv2D, BatchNormalization,
    /// ReLU6); folded into the convolution's weights and bias for quantization-aware training and export.
    /// </summary>
    [JsonPropertyName("batch_norm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BatchNorm { get; init; }

    /// <summary>True for layers with weights (conv2d, dense): the ones that get a precision.</summary>
    public bool IsCompute => TrainingCatalog.Of(Kind).HasWeights;

    public int EffectiveStride => Stride > 0 ? Stride : TrainingCatalog.Of(Kind).DefaultStride(this);

    public Format.Padding PaddingMode => Padding.ToLowerInvariant() switch
    {
        "valid" => Format.Padding.Valid,
        "same" => Format.Padding.Same,
        _ => throw new ModelDescriptionException($"layer '{Name}': padding '{Padding}' is neither 'valid' nor 'same'"),
    };

    public Activation ActivationFunction => Activation.ToLowerInvariant() switch
    {
        "none" or "linear" or "" => Format.Activation.None,
        "relu" => Format.Activation.Relu,
        "relu6" => Format.Activation.Relu6,
        _ => throw new ModelDescriptionException($"layer '{Name}': activation '{Activation}' is not one of none, relu, relu6"),
    };

    /// <summary>The <c>type</c> of <paramref name="kind"/> in a JSON description (conv2d, maxpool2d, ...).</summary>
    public static string TypeName(LayerKind kind) => JsonSerializer.Serialize(kind).Trim('"');

    /// <summary>The <c>padding</c> word for <paramref name="padding"/>.</summary>
    public static string PaddingName(Format.Padding padding) => padding == Format.Padding.Valid ? "valid" : "same";

    /// <summary>The <c>activation</c> word for <paramref name="activation"/>.</summary>
    public static string ActivationName(Activation activation) => activation switch
    {
        Format.Activation.Relu => "relu",
        Format.Activation.Relu6 => "relu6",
        _ => "none",
    };
}

/// <summary>A model description is invalid; the message names the layer.</summary>
public sealed class ModelDescriptionException(string message) : Exception(message);

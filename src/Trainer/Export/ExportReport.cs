using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompiler.Trainer.Training;

namespace ModelCompiler.Trainer.Export;

/// <summary>
/// The seed's comparison for one exported file: accuracies of the float model, of the fake-quantized model (QAT, or
/// the simulated PTQ model) and of the exported file run by the reference interpreter, their argmax agreement, and
/// sizes. Written as <c>&lt;output&gt;.report.json</c>.
/// </summary>
public sealed record ExportReport
{
    [JsonPropertyName("mode")] public required string Mode { get; init; }
    [JsonPropertyName("test_images")] public required int TestImages { get; init; }
    [JsonPropertyName("float_accuracy")] public required double FloatAccuracy { get; init; }
    /// <summary>Fake-quant accuracy: the QAT model, or for PTQ the same simulation of the calibrated model.</summary>
    [JsonPropertyName("qat_accuracy")] public required double QatAccuracy { get; init; }
    /// <summary>Accuracy of the exported file through the reference interpreter.</summary>
    [JsonPropertyName("int8_accuracy")] public required double Int8Accuracy { get; init; }
    [JsonPropertyName("argmax_agreement")] public required double ArgmaxAgreement { get; init; }
    /// <summary>Bytes of the weights and biases as float32.</summary>
    [JsonPropertyName("float_bytes")] public required long FloatBytes { get; init; }
    [JsonPropertyName("qmodel_bytes")] public required long QModelBytes { get; init; }
    /// <summary>Bytes of the deployed constants at their exported precisions (int8 weights, scales, int32 bias).</summary>
    [JsonPropertyName("weight_bytes")] public required long WeightBytes { get; init; }
    [JsonPropertyName("layer_precisions")] public required Dictionary<string, string> LayerPrecisions { get; init; }
    /// <summary>Weight width of each int8 layer (8, or 7 for <c>weight_bits 7</c>).</summary>
    [JsonPropertyName("weight_bits")] public Dictionary<string, int>? WeightBits { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    /// <summary>The modelc-train command line that wrote this report, when known.</summary>
    [JsonPropertyName("command")] public string? Command { get; init; }

    public static string PathFor(string output) => output + ".report.json";

    public void Write(string output) =>
        AtomicFile.WriteText(PathFor(output), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
}

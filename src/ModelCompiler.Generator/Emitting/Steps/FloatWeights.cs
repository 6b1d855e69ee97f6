using ModelCompiler.Generator.Planning;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The weights of the float-domain layers: embedded at their stored size, widened once to float32 when they are not.</summary>
internal static class FloatWeights
{
    /// <summary>float32 weights are used in place; float16 and int8 ones through their widened copy.</summary>
    public static string Reference(string method, StoredWeights weights) => weights.Precision == Format.Precision.Float32
        ? DataReference(method + "_Weights", "float")
        : $"ref MemoryMarshal.GetArrayDataReference({method}_Widened.Weights)";

    public static void Write(SourceWriter w, string method, StoredWeights weights, string order)
    {
        switch (weights.Precision)
        {
            case Format.Precision.Float32:
                WriteDataLiteral(w, method + "_Weights", weights.Bytes.AsArray(), $"{weights.Count} float32 weights (bits) packed {order}.");
                w.WriteLine();
                return;
            case Format.Precision.Float16:
                WriteDataLiteral(w, method + "_Weights", weights.Bytes.AsArray(), $"{weights.Count} float16 weights (bits) packed {order}.");
                w.WriteLine();
                w.WriteLine("/// <summary>The float16 weights widened exactly to float32, once, when first used (the embedded data stays 2 bytes a weight).</summary>");
                using (w.OpenBlock($"private static class {method}_Widened"))
                {
                    w.WriteLine($"internal static readonly float[] Weights = WidenHalf({method}_Weights, {Int(weights.Count)});");
                }

                w.WriteLine();
                return;
            default:
                WriteDataLiteral(w, method + "_Weights", weights.Bytes.AsArray(), $"{weights.Count} int8 weights packed {order}.");
                w.WriteLine();
                WriteDataLiteral(w, method + "_Scales", FloatBytes(weights.ChannelScales), "float32 weight scale (bits) per output channel, padded with 0.");
                w.WriteLine();
                w.WriteLine("/// <summary>The dynamic-range weights widened to (float)q * scale[c] (one float32 multiply, as the reference), once, when first used.</summary>");
                using (w.OpenBlock($"private static class {method}_Widened"))
                {
                    w.WriteLine($"internal static readonly float[] Weights = WidenInt8({method}_Weights, {method}_Scales, {Int(weights.Count)}, {Int(weights.PerOutput)});");
                }

                w.WriteLine();
                return;
        }
    }
}

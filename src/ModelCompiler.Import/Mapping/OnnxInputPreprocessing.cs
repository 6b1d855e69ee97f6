using System.Globalization;
using ModelCompiler.Format;
using ModelCompiler.Onnx;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// An ONNX classifier takes float32 values, not pixels; how a pixel p in 0..255 becomes that value is not in the graph.
/// In order: what the user states (<see cref="ImportOptions.Preprocessing"/>), what ModelCompiler's export records
/// (metadata <c>modelcompiler.preprocess</c>), else p / 255 (torchvision's <c>ToTensor</c>), which the report states.
/// </summary>
public static class OnnxInputPreprocessing
{
    /// <summary>torchvision's <c>ToTensor</c>: p / 255, the float32 closest to 1/255 as the trainer writes it.</summary>
    public static readonly Preprocessing Default = new(1f / 255f, 0f);

    internal static Preprocessing For(SourceModel model, ImportOptions options, ImportReport report, ImportProblems problems)
    {
        if (options.Preprocessing is { } chosen)
        {
            report.Preprocessing = $"pixel * {chosen.Scale:R} + {chosen.Offset:R} (as given)";
            return chosen;
        }

        if (model.Metadata.TryGetValue(OnnxExporter.PreprocessKey, out string? recorded))
        {
            if (Parse(recorded) is { } parsed)
            {
                report.Preprocessing = $"pixel * {parsed.Scale:R} + {parsed.Offset:R} (from the file's metadata {OnnxExporter.PreprocessKey})";
                return parsed;
            }

            problems.Add("metadata", OnnxExporter.PreprocessKey, $"'{recorded}': expected scale=S offset=O");
            return Default;
        }

        report.Preprocessing = $"pixel * {Default.Scale:R} + {Default.Offset:R}: the file does not say how pixels become its float input; assumed p / 255 (torchvision's ToTensor; give --preprocess for another normalisation)";
        return Default;
    }

    /// <summary><c>scale=S offset=O</c> (invariant culture), or null.</summary>
    public static Preprocessing? Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is [['s', 'c', 'a', 'l', 'e', '=', .. var s], ['o', 'f', 'f', 's', 'e', 't', '=', .. var o]]
            && float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float scale)
            && float.TryParse(o, NumberStyles.Float, CultureInfo.InvariantCulture, out float offset)
            && float.IsFinite(scale) && scale != 0 && float.IsFinite(offset))
        {
            return new Preprocessing(scale, offset);
        }

        return null;
    }
}

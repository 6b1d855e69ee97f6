using Microsoft.CodeAnalysis.Text;
using ModelCompiler.Format;

namespace ModelCompiler.Generator.Diagnostics;

/// <summary>
/// The generator's diagnostic IDs. <c>QMC0001</c>..<c>QMC0099</c> are the <c>.qmodel</c> reader's stable
/// <see cref="QModelError"/> codes (QMC + the code as four digits); the generator's own start at <c>QMC0100</c>.
/// </summary>
public static class GeneratorDiagnostics
{
    public const string Category = "ModelCompiler";

    /// <summary>A model the format accepts but this generator cannot compile.</summary>
    public const string UnsupportedModelId = "QMC0100";

    /// <summary>The generator itself failed (a bug): reported instead of crashing the build.</summary>
    public const string InternalErrorId = "QMC0101";

    /// <summary>The .qmodel file could not be read as text.</summary>
    public const string UnreadableFileId = "QMC0102";

    /// <summary>Two model files produce the same generated class.</summary>
    public const string DuplicateModelId = "QMC0103";

    /// <summary>The consuming project's language version or target framework cannot compile generated models.</summary>
    public const string UnsupportedTargetId = "QMC0104";

    public static string IdFor(QModelError code) => "QMC" + ((int)code).ToString("0000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A diagnostic on the 1-based <paramref name="line"/> of the file (line 0: the file's first line).</summary>
    public static DiagnosticInfo At(string id, string title, string message, string path, SourceText? text, int line)
    {
        if (text is null || text.Lines.Count == 0)
        {
            return new DiagnosticInfo(id, title, message, path, default, default);
        }

        int index = Math.Min(Math.Max(line, 1), text.Lines.Count) - 1;
        var span = text.Lines[index].Span;
        return new DiagnosticInfo(id, title, message, path, span, text.Lines.GetLinePositionSpan(span));
    }
}

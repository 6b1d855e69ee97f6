using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports, as static descriptors (IDs tracked in AnalyzerReleases.Shipped.md and
/// AnalyzerReleases.Unshipped.md; each links to its section of docs/diagnostics.md). <c>QMC0001</c>..<c>QMC0099</c>
/// are the <c>.qmodel</c> reader's stable <see cref="QModelError"/> codes (QMC + the code as four digits), with the
/// reader's message; the generator's own start at <c>QMC0100</c>. All are errors: a model with one produces no code.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "ModelCompiler";

    /// <summary>The docs page of the diagnostics, relative to the repository (the package has no web site).</summary>
    public const string HelpPage = "docs/diagnostics.md";

    /// <summary>Every message is the specific problem, written where it is found.</summary>
    private const string MessageFormat = "{0}";

    /// <summary>A model the format accepts but the generator cannot compile into a class (its name or namespace).</summary>
    public static readonly DiagnosticDescriptor UnsupportedModel = new(
        "QMC0100", "Unsupported model", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0100"));

    /// <summary>The generator itself failed on the model (a bug), reported instead of crashing the build.</summary>
    public static readonly DiagnosticDescriptor InternalError = new(
        "QMC0101", "Model generator failed", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0101"));

    /// <summary>The .qmodel additional file could not be read as text.</summary>
    public static readonly DiagnosticDescriptor UnreadableFile = new(
        "QMC0102", "Unreadable model file", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0102"));

    /// <summary>Two model files generate the same class (same name and namespace).</summary>
    public static readonly DiagnosticDescriptor DuplicateModel = new(
        "QMC0103", "Duplicate model", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0103"));

    /// <summary>The consuming project is older than C# 11 or .NET 8.</summary>
    public static readonly DiagnosticDescriptor UnsupportedTarget = new(
        "QMC0104", "Unsupported target", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0104"));

    public static readonly DiagnosticDescriptor UnsupportedVersion = new(
        "QMC0001", "Unsupported .qmodel version", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0001"));

    public static readonly DiagnosticDescriptor Syntax = new(
        "QMC0002", "Invalid .qmodel syntax", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0002"));

    public static readonly DiagnosticDescriptor MissingField = new(
        "QMC0003", "Missing field", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0003"));

    public static readonly DiagnosticDescriptor DuplicateField = new(
        "QMC0004", "Duplicate field", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0004"));

    public static readonly DiagnosticDescriptor InvalidNumber = new(
        "QMC0005", "Invalid number", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0005"));

    public static readonly DiagnosticDescriptor InvalidName = new(
        "QMC0006", "Invalid model name", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0006"));

    public static readonly DiagnosticDescriptor InvalidLabel = new(
        "QMC0007", "Invalid label", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0007"));

    public static readonly DiagnosticDescriptor InvalidScale = new(
        "QMC0008", "Invalid scale", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0008"));

    public static readonly DiagnosticDescriptor InvalidZeroPoint = new(
        "QMC0009", "Invalid zero point", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0009"));

    public static readonly DiagnosticDescriptor UnknownOp = new(
        "QMC0010", "Unknown op", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0010"));

    public static readonly DiagnosticDescriptor UnknownPrecision = new(
        "QMC0011", "Unknown precision", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0011"));

    public static readonly DiagnosticDescriptor InvalidAttribute = new(
        "QMC0012", "Invalid attribute value", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0012"));

    public static readonly DiagnosticDescriptor InvalidDimension = new(
        "QMC0013", "Invalid dimension", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0013"));

    public static readonly DiagnosticDescriptor ShapeMismatch = new(
        "QMC0014", "Layers do not chain", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0014"));

    public static readonly DiagnosticDescriptor WeightCountMismatch = new(
        "QMC0015", "Wrong number of values in a block", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0015"));

    public static readonly DiagnosticDescriptor InvalidBase64 = new(
        "QMC0016", "Invalid base64 block", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0016"));

    public static readonly DiagnosticDescriptor WeightOutOfRange = new(
        "QMC0017", "Int8 weight out of range", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0017"));

    public static readonly DiagnosticDescriptor AccumulatorOverflow = new(
        "QMC0018", "Accumulator may overflow", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0018"));

    public static readonly DiagnosticDescriptor OutputMismatch = new(
        "QMC0019", "Output does not match the labels", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0019"));

    public static readonly DiagnosticDescriptor InvalidLayerName = new(
        "QMC0020", "Invalid layer name", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0020"));

    public static readonly DiagnosticDescriptor UnexpectedEnd = new(
        "QMC0021", "Unexpected end of layer", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0021"));

    public static readonly DiagnosticDescriptor InvalidString = new(
        "QMC0022", "Invalid quoted string", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0022"));

    public static readonly DiagnosticDescriptor NonFiniteValue = new(
        "QMC0023", "Non-finite value", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0023"));

    public static readonly DiagnosticDescriptor EmptyModel = new(
        "QMC0024", "Model has no layers", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0024"));

    public static readonly DiagnosticDescriptor BlockTypeMismatch = new(
        "QMC0025", "Block type does not match the precision", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0025"));

    public static readonly DiagnosticDescriptor WeightOutsideDeclaredBits = new(
        "QMC0026", "Weight outside its declared bits", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0026"));

    public static readonly DiagnosticDescriptor DanglingReference = new(
        "QMC0027", "Input names no tensor", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0027"));

    public static readonly DiagnosticDescriptor ForwardReference = new(
        "QMC0028", "Input names a later layer", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0028"));

    public static readonly DiagnosticDescriptor UnusedTensor = new(
        "QMC0029", "Layer output never read", MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink("QMC0029"));

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = typeof(DiagnosticDescriptors)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToDictionary(d => d.Id);

    /// <summary>Every descriptor, by ID.</summary>
    public static IReadOnlyDictionary<string, DiagnosticDescriptor> All => ById;

    /// <summary>The descriptor of the reader's error code (QMC + the code as four digits).</summary>
    public static DiagnosticDescriptor For(QModelError code) =>
        ById.TryGetValue(IdFor(code), out var descriptor) ? descriptor : InternalError;

    public static string IdFor(QModelError code) => "QMC" + ((int)code).ToString("0000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A diagnostic on the 1-based <paramref name="line"/> of the file (line 0: the file's first line).</summary>
    public static DiagnosticInfo At(DiagnosticDescriptor descriptor, string message, string path, SourceText? text, int line)
    {
        if (text is null || text.Lines.Count == 0)
        {
            return new DiagnosticInfo(descriptor.Id, message, path, default, default);
        }

        int index = Math.Min(Math.Max(line, 1), text.Lines.Count) - 1;
        var span = text.Lines[index].Span;
        return new DiagnosticInfo(descriptor.Id, message, path, span, text.Lines.GetLinePositionSpan(span));
    }

    private static string HelpLink(string id) => HelpPage + "#" + id.ToLowerInvariant();
}

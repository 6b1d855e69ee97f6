using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ModelCompiler.Generator.Diagnostics;

/// <summary>
/// A diagnostic as plain data (no <see cref="Location"/> or <see cref="Diagnostic"/> objects, which do not compare by
/// value), turned into a real diagnostic only when the pipeline reports it.
/// </summary>
public sealed record DiagnosticInfo(string Id, string Title, string Message, string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Diagnostic ToDiagnostic()
    {
        var descriptor = new DiagnosticDescriptor(Id, Title, "{0}", GeneratorDiagnostics.Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        return Diagnostic.Create(descriptor, Location.Create(FilePath, Span, LineSpan), Message);
    }
}

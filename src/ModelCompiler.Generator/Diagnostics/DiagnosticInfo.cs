using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ModelCompiler.Generator.Diagnostics;

/// <summary>
/// A diagnostic as plain data (no <see cref="Location"/> or <see cref="Diagnostic"/> objects, which do not compare by
/// value), turned into a real diagnostic, with its static descriptor, only when the pipeline reports it.
/// </summary>
internal sealed record DiagnosticInfo(string Id, string Message, string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(DiagnosticDescriptors.All[Id], Location.Create(FilePath, Span, LineSpan), Message);
}

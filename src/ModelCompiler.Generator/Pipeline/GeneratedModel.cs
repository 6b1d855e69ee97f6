using ModelCompiler.Generator.Diagnostics;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>What one model file produces: its source (null when there are errors) and its diagnostics.</summary>
internal sealed record GeneratedModel(string Path, string HintName, string? Source, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);

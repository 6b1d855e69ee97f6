using ModelCompiler.Generator.Diagnostics;
using ModelCompiler.Generator.Planning;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>The parse-and-plan step's result: a plan, or the diagnostics that prevent one.</summary>
internal sealed record PlannedModel(string Path, ModelPlan? Plan, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);

using Microsoft.CodeAnalysis;
using ModelCompiler.Generator.Diagnostics;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator;

/// <summary>
/// Compiles every <c>.qmodel</c> additional file into a static classifier class. Pipeline:
/// <c>ModelSource</c> (path, text, namespace) → <c>ModelPlan</c> (parse, validate, lower; equatable) →
/// <c>GeneratedSource</c> (emit) → AddSource / diagnostics.
/// Namespace: the item metadata <c>Namespace</c> of the AdditionalFiles item, else the project's RootNamespace
/// (both made visible by build/ModelCompiler.props), else the global namespace.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenerator : IIncrementalGenerator
{
    public const string SourceStep = "ModelSource";
    public const string PlanStep = "ModelPlan";
    public const string EmitStep = "GeneratedSource";
    public const string SupportStep = "TargetSupport";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var sources = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".qmodel", StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) =>
            {
                var (file, options) = pair;
                var fileOptions = options.GetOptions(file);
                string @namespace = fileOptions.TryGetValue("build_metadata.AdditionalFiles.Namespace", out var itemNamespace) && !string.IsNullOrWhiteSpace(itemNamespace)
                    ? itemNamespace.Trim()
                    : options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var root) ? root.Trim() : string.Empty;
                string? text;
                try
                {
                    text = file.GetText(cancellationToken)?.ToString();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    text = null;
                }

                return new ModelSource(file.Path, text, @namespace);
            })
            .WithTrackingName(SourceStep);

        var plans = sources
            .Select(static (source, cancellationToken) => ModelCompilation.Plan(source, cancellationToken))
            .WithTrackingName(PlanStep);

        var generated = plans
            .Select(static (planned, cancellationToken) => ModelCompilation.Emit(planned, cancellationToken))
            .WithTrackingName(EmitStep);

        var support = context.CompilationProvider
            .Select(static (compilation, _) => TargetSupport.From(compilation))
            .WithTrackingName(SupportStep);

        // Collected so that two files generating the same class are reported (AddSource would throw: CS8785).
        context.RegisterSourceOutput(generated.Collect().Combine(support), static (output, pair) =>
        {
            var (models, target) = pair;
            if (!target.IsSupported && models.Any(m => m.Source is not null))
            {
                var first = models.First(m => m.Source is not null);
                output.ReportDiagnostic(GeneratorDiagnostics.At(
                    GeneratorDiagnostics.UnsupportedTargetId, "Unsupported target", target.Problem, first.Path, null, 0).ToDiagnostic());
                return;
            }

            var hintNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var model in models)
            {
                foreach (var diagnostic in model.Diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }

                if (model.Source is null || model.Diagnostics.Count > 0)
                {
                    continue;
                }

                if (!hintNames.Add(model.HintName))
                {
                    output.ReportDiagnostic(GeneratorDiagnostics.At(
                        GeneratorDiagnostics.DuplicateModelId, "Duplicate model",
                        $"another model file already generates '{model.HintName}'; give the models different names or namespaces",
                        model.Path, null, 0).ToDiagnostic());
                    continue;
                }

                output.AddSource(model.HintName, model.Source);
            }
        });
    }
}

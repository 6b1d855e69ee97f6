using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ModelCompiler.Generator.Diagnostics;
using ModelCompiler.Generator.Emitting;
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
    public const string KernelNamespaceStep = "KernelNamespace";

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
                SourceText? text;
                try
                {
                    text = file.GetText(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    text = null;
                }

                return ModelSource.From(file.Path, text, @namespace);
            })
            .WithTrackingName(SourceStep);

        var plans = sources
            .Select(static (source, cancellationToken) => ModelCompilation.Plan(source, cancellationToken))
            .WithTrackingName(PlanStep);

        // The assembly's own namespace for the kernels its models share (see SharedKernelsEmitter).
        var kernelNamespace = context.CompilationProvider
            .Select(static (compilation, _) => (Namespace: SharedKernelsEmitter.NamespaceFor(compilation.AssemblyName), Assembly: compilation.AssemblyName ?? string.Empty))
            .WithTrackingName(KernelNamespaceStep);

        var generated = plans
            .Combine(kernelNamespace)
            .Select(static (pair, cancellationToken) => ModelCompilation.Emit(pair.Left, pair.Right.Namespace, cancellationToken))
            .WithTrackingName(EmitStep);

        var support = context.CompilationProvider
            .Select(static (compilation, _) => TargetSupport.From(compilation))
            .WithTrackingName(SupportStep);

        // Collected so that two files generating the same class are reported (AddSource would throw: CS8785).
        context.RegisterSourceOutput(generated.Collect().Combine(support).Combine(kernelNamespace), static (output, input) =>
        {
            var ((models, target), kernels) = input;
            if (!target.IsSupported && models.Any(m => m.Source is not null))
            {
                var first = models.First(m => m.Source is not null);
                output.ReportDiagnostic(DiagnosticDescriptors.At(
                    DiagnosticDescriptors.UnsupportedTarget, target.Problem, first.Path, null, 0).ToDiagnostic());
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
                    output.ReportDiagnostic(DiagnosticDescriptors.At(
                        DiagnosticDescriptors.DuplicateModel,
                        $"another model file already generates '{model.HintName}'; give the models different names or namespaces",
                        model.Path, null, 0).ToDiagnostic());
                    continue;
                }

                output.AddSource(model.HintName, model.Source);
            }

            // Once per assembly, and only when a model uses it.
            if (hintNames.Count > 0)
            {
                output.AddSource(SharedKernelsEmitter.HintName, SharedKernelsEmitter.Emit(kernels.Namespace, kernels.Assembly));
            }
        });
    }
}

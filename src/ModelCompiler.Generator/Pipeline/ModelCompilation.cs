using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ModelCompiler.Format;
using ModelCompiler.Generator.Diagnostics;
using ModelCompiler.Generator.Emitting;
using ModelCompiler.Generator.Planning;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>
/// The pipeline's two transforms as plain functions: text to plan (parse, validate, lower) and plan to source.
/// Every failure becomes a diagnostic; nothing here throws except cancellation.
/// </summary>
public static class ModelCompilation
{
    public static PlannedModel Plan(ModelSource source, CancellationToken cancellationToken)
    {
        SourceText? text = source.Text is null ? null : SourceText.From(source.Text);
        try
        {
            if (source.Text is null)
            {
                return Failed(source.Path, GeneratorDiagnostics.At(GeneratorDiagnostics.UnreadableFileId, "Unreadable model file", $"the model file '{source.Path}' could not be read", source.Path, null, 0));
            }

            var model = ModelTextReader.Read(source.Text);
            cancellationToken.ThrowIfCancellationRequested();
            return Plan(model, source.Path, source.Namespace, text);
        }
        catch (QModelFormatException e)
        {
            return Failed(source.Path, GeneratorDiagnostics.At(GeneratorDiagnostics.IdFor(e.Code), "Invalid model file", e.Detail, source.Path, text, e.Line));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(source.Path, Internal(e, source.Path));
        }
    }

    /// <summary>Plans an in-memory model (the reader's output, or a test's).</summary>
    public static PlannedModel Plan(QModel model, string path, string @namespace, SourceText? text)
    {
        try
        {
            string? problem = CheckNames(model.Name, @namespace);
            if (problem is not null)
            {
                return Failed(path, GeneratorDiagnostics.At(GeneratorDiagnostics.UnsupportedModelId, "Unsupported model", problem, path, text, 1));
            }

            var plan = ModelPlanner.Plan(model, @namespace, System.IO.Path.GetFileName(path));
            return new PlannedModel(path, plan, ImmutableEquatableArray<DiagnosticInfo>.Empty);
        }
        catch (QModelFormatException e)
        {
            return Failed(path, GeneratorDiagnostics.At(GeneratorDiagnostics.IdFor(e.Code), "Invalid model file", e.Detail, path, text, e.Line));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(path, Internal(e, path));
        }
    }

    public static GeneratedModel Emit(PlannedModel planned, CancellationToken cancellationToken)
    {
        if (planned.Plan is not { } plan)
        {
            return new GeneratedModel(planned.Path, System.IO.Path.GetFileName(planned.Path), null, planned.Diagnostics);
        }

        string hint = (plan.Namespace.Length > 0 ? plan.Namespace + "." : string.Empty) + plan.ClassName + ".g.cs";
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new GeneratedModel(planned.Path, hint, ModelEmitter.Emit(plan), planned.Diagnostics);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new GeneratedModel(planned.Path, hint, null, new[] { Internal(e, planned.Path) }.ToEquatableArray());
        }
    }

    private static PlannedModel Failed(string path, DiagnosticInfo diagnostic) =>
        new(path, null, new[] { diagnostic }.ToEquatableArray());

    private static DiagnosticInfo Internal(Exception e, string path) =>
        GeneratorDiagnostics.At(GeneratorDiagnostics.InternalErrorId, "Model generator failed", $"the generator failed on this model ({e.GetType().Name}: {e.Message})", path, null, 0);

    /// <summary>The class name must be a plain identifier and the namespace dotted identifiers; nothing else reaches code as a name.</summary>
    private static string? CheckNames(string name, string @namespace)
    {
        if (!IsIdentifier(name))
        {
            return $"the model name '{ModelPlanner.Safe(name)}' is not a C# identifier, so it cannot name the generated class";
        }

        if (@namespace.Length > 0 && !@namespace.Split('.').All(IsIdentifier))
        {
            return $"the namespace '{ModelPlanner.Safe(@namespace)}' (from RootNamespace or the Namespace metadata) is not a dotted C# name";
        }

        return null;
    }

    private static bool IsIdentifier(string text) =>
        SyntaxFacts.IsValidIdentifier(text) && SyntaxFacts.GetKeywordKind(text) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(text) == SyntaxKind.None;
}

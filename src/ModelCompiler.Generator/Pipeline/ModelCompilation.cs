using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Diagnostics;
using ModelCompiler.Generator.Emitting;
using ModelCompiler.Generator.Planning;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>
/// The pipeline's two transforms as plain functions: text to plan (parse, validate, lower) and plan to source.
/// Every failure becomes a diagnostic; nothing here throws except cancellation.
/// </summary>
internal static class ModelCompilation
{
    public static PlannedModel Plan(ModelSource source, CancellationToken cancellationToken)
    {
        SourceText? text = source.Text is null ? null : SourceText.From(source.Text);
        try
        {
            if (source.Text is null)
            {
                return Failed(source.Path, DiagnosticDescriptors.At(DiagnosticDescriptors.UnreadableFile, $"the model file '{source.Path}' could not be read", source.Path, null, 0));
            }

            if (source.NotUtf8Line > 0)
            {
                throw new QModelFormatException(QModelError.Syntax, source.NotUtf8Line, Utf8Text.NotUtf8);
            }

            var model = QModelReader.Read(source.Text);
            cancellationToken.ThrowIfCancellationRequested();
            return Plan(model, source.Path, source.Namespace, text);
        }
        catch (QModelFormatException e)
        {
            return Failed(source.Path, DiagnosticDescriptors.At(DiagnosticDescriptors.For(e.Code), e.Detail, source.Path, text, e.Line));
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
            if (MemberCollision(model.Name) is { } collision)
            {
                return Failed(path, DiagnosticDescriptors.At(DiagnosticDescriptors.UnsupportedModel, collision, path, text, model.NameLine));
            }

            if (NamespaceProblem(@namespace) is { } problem)
            {
                return Failed(path, DiagnosticDescriptors.At(DiagnosticDescriptors.UnsupportedModel, problem, path, text, 1));
            }

            if (Unsupported(model) is { } unsupported)
            {
                return Failed(path, DiagnosticDescriptors.At(DiagnosticDescriptors.UnsupportedModel, unsupported.Message, path, text, unsupported.Line));
            }

            var plan = ModelPlanner.Plan(model, @namespace, System.IO.Path.GetFileName(path));
            return new PlannedModel(path, plan, ImmutableEquatableArray<DiagnosticInfo>.Empty);
        }
        catch (QModelFormatException e)
        {
            return Failed(path, DiagnosticDescriptors.At(DiagnosticDescriptors.For(e.Code), e.Detail, path, text, e.Line));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(path, Internal(e, path));
        }
    }

    public static GeneratedModel Emit(PlannedModel planned, string kernelNamespace, CancellationToken cancellationToken)
    {
        if (planned.Plan is not { } plan)
        {
            return new GeneratedModel(planned.Path, System.IO.Path.GetFileName(planned.Path), null, planned.Diagnostics);
        }

        string hint = (plan.Namespace.Length > 0 ? plan.Namespace + "." : string.Empty) + plan.ClassName + ".g.cs";
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new GeneratedModel(planned.Path, hint, ModelEmitter.Emit(plan, kernelNamespace), planned.Diagnostics);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new GeneratedModel(planned.Path, hint, null, new[] { Internal(e, planned.Path) }.ToEquatableArray());
        }
    }

    private static PlannedModel Failed(string path, DiagnosticInfo diagnostic) =>
        new(path, null, new[] { diagnostic }.ToEquatableArray());

    private static DiagnosticInfo Internal(Exception e, string path) =>
        DiagnosticDescriptors.At(DiagnosticDescriptors.InternalError, $"the generator failed on this model ({e.GetType().Name}: {e.Message})", path, null, 0);

    /// <summary>
    /// The model name is the class name, which the format's identifier rule (<see cref="Identifiers.ModelNameProblem"/>,
    /// checked by the reader) makes a valid one; C# also forbids a member named like its class (CS0542).
    /// </summary>
    private static string? MemberCollision(string name) => ModelEmitter.MemberNames.Contains(name)
        ? $"the model name '{name}' is also the name of a member of the generated class ({string.Join(", ", ModelEmitter.MemberNames)}), which C# does not allow; rename the model"
        : null;

    /// <summary>
    /// The first layer this generator cannot compile, as a message and its line: the format and the reference interpreter
    /// accept every valid graph, while each lowering says what it leaves out (<see cref="Planning.Lowering.LayerLowering.Unsupported"/>,
    /// e.g. a float depthwise convolution). Layers with no lowering of their own (the final softmax) are LayerFusion's.
    /// </summary>
    private static (string Message, int Line)? Unsupported(QModel model)
    {
        var graph = TensorChain.InferGraph(model);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var inputs = graph.InputsOf(i).Select(t => graph.Tensors[t]).ToArray();
            if (LoweringCatalog.TryLoweringFor(layer) is { } lowering && lowering.Unsupported(layer, inputs) is { } reason)
            {
                return (reason + "; ReferenceInterpreter.Load runs the model", layer.Line);
            }
        }

        return null;
    }

    /// <summary>The namespace must be dotted identifiers; nothing else reaches code as a name.</summary>
    private static string? NamespaceProblem(string @namespace) =>
        @namespace.Length > 0 && !@namespace.Split('.').All(IsIdentifier)
            ? $"the namespace '{Literals.Printable(@namespace)}' (from RootNamespace or the Namespace metadata) is not a dotted C# name"
            : null;

    private static bool IsIdentifier(string text) =>
        SyntaxFacts.IsValidIdentifier(text) && SyntaxFacts.GetKeywordKind(text) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(text) == SyntaxKind.None;
}

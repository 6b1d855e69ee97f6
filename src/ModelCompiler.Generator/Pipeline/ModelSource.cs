namespace ModelCompiler.Generator.Pipeline;

/// <summary>One <c>.qmodel</c> additional file as the pipeline sees it: its path, its text (null if unreadable), the namespace to generate into.</summary>
public sealed record ModelSource(string Path, string? Text, string Namespace);

namespace ModelCompiler.Import;

/// <summary>
/// A model that cannot be imported: every problem found, one per construct (an unsupported operator, attribute,
/// element type or shape), or the one structural problem of a corrupt file. <see cref="Exception.Message"/> lists them.
/// </summary>
public sealed class ModelImportException : Exception
{
    public ModelImportException(string source, IReadOnlyList<ImportProblem> problems)
        : base(Format(source, problems))
    {
        SourceName = source;
        Problems = problems;
    }

    /// <summary>The file (or description of the bytes) that was read.</summary>
    public string SourceName { get; }

    public IReadOnlyList<ImportProblem> Problems { get; }

    private static string Format(string source, IReadOnlyList<ImportProblem> problems) =>
        problems.Count == 1
            ? $"{source}: cannot import: {problems[0]}"
            : $"{source}: cannot import ({problems.Count} problems):{string.Concat(problems.Select(p => $"{Environment.NewLine}  {p}"))}";
}

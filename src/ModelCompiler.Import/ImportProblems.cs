namespace ModelCompiler.Import;

/// <summary>Collects the problems a reader and the validator find, so that all of them are reported at once.</summary>
public sealed class ImportProblems
{
    private readonly List<ImportProblem> _problems = [];

    public IReadOnlyList<ImportProblem> All => _problems;

    public int Count => _problems.Count;

    public void Add(string location, string? attribute, string message) => _problems.Add(new ImportProblem(location, attribute, message));

    public void Add(SourceOperator op, string? attribute, string message) => Add(op.Describe(), attribute, message);

    public void Add(SourceTensor tensor, string? attribute, string message) => Add($"tensor {tensor.Index} '{tensor.Name}'", attribute, message);

    /// <summary>Throws <see cref="ModelImportException"/> if there is any problem.</summary>
    public void ThrowIfAny(string source)
    {
        if (_problems.Count > 0)
        {
            throw new ModelImportException(source, _problems.ToArray());
        }
    }
}

namespace ModelCompiler.Generator.Tests;

/// <summary>Tests that count the allocations of every thread of the process, so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideAllocationCollection
{
    public const string Name = "process-wide allocation counting";
}

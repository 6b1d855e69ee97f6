namespace ModelCompiler.Trainer.Tests;

/// <summary>
/// Tests that compare two trainings step by step depend on TorchSharp's process-wide generator and
/// thread count; any test training in parallel draws from the same generator and makes them differ
/// (CI saw a resumed epoch's loss off in the second decimal). Such tests run alone, after the rest.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "torch global state";
}

namespace ModelCompiler.Samples.Tests;

/// <summary>
/// Tests that run <c>dotnet build/pack/publish</c> on the repository's projects: they share the Runtime's and the
/// Generator's bin/obj folders, so they run one after another, never in parallel.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DotnetBuildsCollection
{
    public const string Name = "dotnet builds of the repository";
}

namespace ModelCompiler.Benchmarks;

/// <summary>What was checked about a model before timing: the ORT int8 fusion and the engines' agreement.</summary>
public sealed record ModelFacts(
    BenchmarkModel Model,
    FusionResult Fusion,
    IReadOnlyList<EngineAgreement> Agreement,
    float FloatPeersMaxDifference,
    MemoryFigures? BareProgram);

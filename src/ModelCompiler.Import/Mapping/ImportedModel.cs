using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>The result of an import: the <c>.qmodel</c> in memory (version 2 when it has branches) and what was done.</summary>
public sealed record ImportedModel(QModel Model, ImportReport Report);

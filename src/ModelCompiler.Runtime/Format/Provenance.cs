namespace ModelCompiler.Format;

/// <summary>One free-form fact about how the model was made (dataset, date, accuracy figures).</summary>
public readonly record struct ProvenanceEntry(string Key, string Value);

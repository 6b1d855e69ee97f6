using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>What a mapper produces before the header is completed: the input, its preprocessing and quantization (null: a float model), the layers and the number of classes.</summary>
internal sealed record MappedGraph(TensorShape InputShape, Preprocessing Preprocessing, QuantParams? InputQuant, IReadOnlyList<Layer> Layers, int Classes);

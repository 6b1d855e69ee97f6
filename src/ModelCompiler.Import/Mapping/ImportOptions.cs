namespace ModelCompiler.Import.Mapping;

/// <summary>What the user chooses when importing: the model's name and its class labels.</summary>
/// <param name="Name">The <c>.qmodel</c> name (a C# identifier, the generated class's name); null: derived from the file name.</param>
/// <param name="Labels">One label per output class; null: <c>class_0</c>, <c>class_1</c>, ...</param>
/// <param name="Preprocessing">ONNX and float TFLite: how a pixel becomes the graph's float input (<c>pixel·scale + offset</c>); null: the file's metadata (ONNX), else p / 255.</param>
/// <param name="Rounding">Quantized TFLite only: the model's requantization rule; null: TFLite's own (<c>rounding tflite</c>). ONNX imports round once (ONNX Runtime does).</param>
public sealed record ImportOptions(string? Name = null, IReadOnlyList<string>? Labels = null, Format.Preprocessing? Preprocessing = null, Format.Rounding? Rounding = null);

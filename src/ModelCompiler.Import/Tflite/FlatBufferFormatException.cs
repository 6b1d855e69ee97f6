namespace ModelCompiler.Import.Tflite;

/// <summary>A flatbuffer whose structure is broken: an offset or length that leaves the file, a bad vtable, too much data referenced.</summary>
internal sealed class FlatBufferFormatException(string path, string message) : Exception($"{path}: {message}")
{
    /// <summary>Where in the schema the reader was: <c>model.subgraphs[0].tensors[12].quantization.scale</c>.</summary>
    public string Path { get; } = path;

    public string Detail { get; } = message;
}

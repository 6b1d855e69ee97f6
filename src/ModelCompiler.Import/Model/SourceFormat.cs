namespace ModelCompiler.Import;

/// <summary>The file format a <see cref="SourceModel"/> was read from.</summary>
public enum SourceFormat
{
    /// <summary>A TensorFlow Lite flatbuffer (schema version 3, file identifier <c>TFL3</c>).</summary>
    Tflite,

    /// <summary>An ONNX protobuf (<c>ModelProto</c>).</summary>
    Onnx,
}

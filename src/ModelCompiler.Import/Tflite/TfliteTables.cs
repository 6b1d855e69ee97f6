namespace ModelCompiler.Import.Tflite;

// Field ids of the tables the importer reads, as declared in Schema/schema.fbs (0 for a table's first field; a union
// field takes two ids, its type then its value). Only the fields the importer looks at are listed.

internal static class ModelField
{
    public const int Version = 0, OperatorCodes = 1, Subgraphs = 2, Description = 3, Buffers = 4;
}

internal static class OperatorCodeField
{
    public const int DeprecatedBuiltinCode = 0, CustomCode = 1, Version = 2, BuiltinCode = 3;
}

internal static class SubGraphField
{
    public const int Tensors = 0, Inputs = 1, Outputs = 2, Operators = 3, Name = 4;
}

internal static class TensorField
{
    public const int Shape = 0, Type = 1, Buffer = 2, Name = 3, Quantization = 4, IsVariable = 5, Sparsity = 6,
        ShapeSignature = 7, ExternalBuffer = 10;
}

internal static class QuantizationField
{
    public const int Scale = 2, ZeroPoint = 3, DetailsType = 4, QuantizedDimension = 6;
}

internal static class OperatorField
{
    public const int OpcodeIndex = 0, Inputs = 1, Outputs = 2, BuiltinOptionsType = 3, BuiltinOptions = 4,
        Intermediates = 8, BuiltinOptions2Type = 11;
}

internal static class BufferField
{
    public const int Data = 0, Offset = 1, Size = 2;
}

internal static class Conv2DOptionsField
{
    public const int Padding = 0, StrideW = 1, StrideH = 2, FusedActivation = 3, DilationW = 4, DilationH = 5;
}

internal static class DepthwiseConv2DOptionsField
{
    public const int Padding = 0, StrideW = 1, StrideH = 2, DepthMultiplier = 3, FusedActivation = 4, DilationW = 5,
        DilationH = 6;
}

internal static class Pool2DOptionsField
{
    public const int Padding = 0, StrideW = 1, StrideH = 2, FilterWidth = 3, FilterHeight = 4, FusedActivation = 5;
}

internal static class FullyConnectedOptionsField
{
    public const int FusedActivation = 0, WeightsFormat = 1, KeepNumDims = 2, AsymmetricQuantizeInputs = 3;
}

internal static class AddOptionsField
{
    public const int FusedActivation = 0;
}

internal static class ReshapeOptionsField
{
    public const int NewShape = 0;
}

internal static class SoftmaxOptionsField
{
    public const int Beta = 0;
}

internal static class ReducerOptionsField
{
    public const int KeepDims = 0;
}

using ModelCompiler.Format;

namespace ModelCompiler.Onnx;

/// <summary>Which export writes each layer type, one line per type; adding an operator is its export file and a line here.</summary>
internal static class ExportCatalog
{
    private static readonly Dictionary<Type, LayerExport> ByLayerType = new()
    {
        [typeof(Conv2DLayer)] = new Conv2DExport(),
        [typeof(DenseLayer)] = new DenseExport(),
        [typeof(Pool2DLayer)] = new Pool2DExport(),
        [typeof(GlobalAveragePoolLayer)] = new GlobalAveragePoolExport(),
        [typeof(FlattenLayer)] = new FlattenExport(),
        [typeof(PadLayer)] = new PadExport(),
        [typeof(SoftmaxLayer)] = new SoftmaxExport(),
        [typeof(QuantizeLayer)] = new QuantizeExport(),
        [typeof(DequantizeLayer)] = new DequantizeExport(),
        [typeof(DepthwiseConv2DLayer)] = new DepthwiseConv2DExport(),
        [typeof(AddLayer)] = new AddExport(),
    };

    public static LayerExport Of(Layer layer) => ByLayerType.TryGetValue(layer.GetType(), out var export)
        ? export
        : throw new NotSupportedException($"layer '{layer.Name}' ({layer.Op}) has no ONNX export");
}

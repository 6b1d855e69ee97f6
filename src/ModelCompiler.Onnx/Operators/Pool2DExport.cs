using ModelCompiler.Format;
using ModelCompiler.Onnx.Schema;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary>MaxPool or AveragePool (padding excluded from the average, as the Runtime computes it).</summary>
internal sealed class Pool2DExport : LayerExport<Pool2DLayer>
{
    protected override string Export(LayerExportContext context, Pool2DLayer pool)
    {
        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", pool.PoolHeight, pool.PoolWidth),
            Ints("strides", pool.StrideHeight, pool.StrideWidth),
            Pads(context.InputTensor.Shape, pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding),
        };
        if (!pool.IsMax)
        {
            attributes.Add(Int("count_include_pad", 0));
        }

        string y = context.Graph.Node(pool.IsMax ? "MaxPool" : "AveragePool", pool.Name, [context.Input], [.. attributes]);
        return context.KeepQuantization(y, pool.Name);
    }
}

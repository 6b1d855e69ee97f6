using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Planning.Lowering;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// The one place where layers are fused or dropped before lowering: a MaxPool2D runs inside the int8 Conv2D before it
/// when that convolution's kernel can take it (<see cref="Conv2DLowering.CanFuse"/>); a chw Flatten followed by a Dense
/// is folded into the Dense's weight order; a Flatten whose two orders agree (hwc, 1x1 or one channel) costs nothing;
/// the final Softmax is not computed (the API applies it on request). Every other layer is a unit of its own.
/// </summary>
internal static class LayerFusion
{
    /// <summary>The units to lower, in execution order, and whether the model ends with a softmax.</summary>
    public static (IReadOnlyList<LoweringUnit> Units, bool EndsWithSoftmax) Group(QModel model, TensorInfo[] tensors)
    {
        var units = new List<LoweringUnit>();
        var layers = model.Layers;
        bool endsWithSoftmax = false;
        TensorShape? foldedChw = null;
        int i = 0;
        while (i < layers.Count)
        {
            var layer = layers[i];
            var (input, output) = (tensors[i], tensors[i + 1]);
            switch (layer)
            {
                case SoftmaxLayer:
                    endsWithSoftmax = true;
                    i++;
                    continue;

                case FlattenLayer flatten when flatten.Order == FlattenOrder.Hwc || (input.Shape.Height == 1 && input.Shape.Width == 1) || input.Shape.Channels == 1:
                    i++;
                    continue;

                case FlattenLayer when i + 1 < layers.Count && layers[i + 1] is DenseLayer:
                    foldedChw = input.Shape;
                    i++;
                    continue;

                case Conv2DLayer conv when i + 1 < layers.Count && layers[i + 1] is Pool2DLayer pool
                    && WindowGeometry.Of(output.Shape, tensors[i + 2].Shape, pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding) is var window
                    && Conv2DLowering.CanFuse(conv, pool, window):
                    units.Add(new LoweringUnit(conv, input, output, new FusedPoolLayer(pool, window, tensors[i + 2]), null));
                    i += 2;
                    continue;

                default:
                    units.Add(new LoweringUnit(layer, input, output, null, layer is DenseLayer ? foldedChw : null));
                    foldedChw = null;
                    i++;
                    continue;
            }
        }

        return (units, endsWithSoftmax);
    }
}

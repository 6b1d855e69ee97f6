using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Planning.Lowering;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// The one place where layers are fused or dropped before lowering: a MaxPool2D runs inside the int8 Conv2D before it
/// when that convolution's kernel can take it (<see cref="Conv2DLowering.CanFuse"/>) and the pool is the convolution
/// output's only reader; an int8 Add whose one input is the int8 Conv2D just before it, its only reader, runs on each
/// range of the convolution's output rows right after the kernel wrote them, in place, while they are in cache (the
/// inverted residual's projection and skip); a chw Flatten followed by a Dense that is its only reader is folded into
/// the Dense's weight order; a Flatten whose two orders agree (hwc, 1x1 or one channel) costs nothing (its output is
/// its input's buffer); the final Softmax is not computed (the API applies it on request). Every other layer is a unit
/// of its own. A chain (format version 1, or a version 2 graph whose layers each read the previous one) groups exactly
/// as before graphs.
/// </summary>
internal static class LayerFusion
{
    /// <summary>
    /// The units to lower, in execution order (the file's), each with the tensors it reads and the tensor it writes
    /// (graph numbering: 0 the model input, i + 1 layer i's output); the tensors that live in another's buffer
    /// (<c>Aliases</c>: a dropped layer's output maps to its input); whether the model ends with a softmax.
    /// </summary>
    public static (IReadOnlyList<GraphUnit> Units, IReadOnlyDictionary<int, int> Aliases, bool EndsWithSoftmax) Group(QModel model, ModelGraph graph)
    {
        var units = new List<GraphUnit>();
        var aliases = new Dictionary<int, int>();
        var tensors = graph.Tensors;
        var layers = model.Layers;
        bool endsWithSoftmax = false;
        TensorShape? foldedChw = null;
        int i = 0;
        while (i < layers.Count)
        {
            var layer = layers[i];
            var reads = graph.InputsOf(i);
            int output = ModelGraph.OutputOf(i);
            var input = tensors[reads[0]];
            bool nextIsSoleReader = i + 1 < layers.Count && graph.ConsumersOf(output).Count == 1 && graph.ConsumersOf(output)[0] == i + 1;
            switch (layer)
            {
                case SoftmaxLayer:
                    endsWithSoftmax = true;
                    aliases[output] = reads[0];
                    i++;
                    continue;

                case FlattenLayer flatten when flatten.Order == FlattenOrder.Hwc || (input.Shape.Height == 1 && input.Shape.Width == 1) || input.Shape.Channels == 1:
                    aliases[output] = reads[0];
                    i++;
                    continue;

                case FlattenLayer when nextIsSoleReader && layers[i + 1] is DenseLayer:
                    foldedChw = input.Shape;
                    aliases[output] = reads[0];
                    i++;
                    continue;

                case Conv2DLayer conv when nextIsSoleReader && layers[i + 1] is Pool2DLayer pool
                    && WindowGeometry.Of(tensors[output].Shape, tensors[output + 1].Shape, pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding) is var window
                    && Conv2DLowering.CanFuse(conv, pool, window):
                    units.Add(new GraphUnit(new LoweringUnit(conv, input, tensors[output], new FusedPoolLayer(pool, window, tensors[output + 1]), null), reads, output + 1));
                    i += 2;
                    continue;

                case Conv2DLayer conv when nextIsSoleReader && layers[i + 1] is AddLayer add
                    && graph.InputsOf(i + 1) is var addReads && addReads[0] != addReads[1]
                    && Conv2DLowering.CanFuse(conv, tensors[output], tensors[output + 1]):
                    bool convIsFirst = addReads[0] == output;
                    int skip = convIsFirst ? addReads[1] : addReads[0];
                    var fusedAdd = new FusedAddLayer(add, tensors[skip], convIsFirst, tensors[output + 1], add.RoundingIn(model));
                    units.Add(new GraphUnit(
                        new LoweringUnit(conv, input, tensors[output], null, null) { Inputs = [input, tensors[skip]], Add = fusedAdd },
                        [reads[0], skip],
                        output + 1));
                    i += 2;
                    continue;

                default:
                    var unit = new LoweringUnit(layer, input, tensors[output], null, layer is DenseLayer ? foldedChw : null)
                    {
                        Inputs = reads.Select(t => tensors[t]).ToArray(),
                    };
                    units.Add(new GraphUnit(unit, reads, output));
                    foldedChw = null;
                    i++;
                    continue;
            }
        }

        return (units, aliases, endsWithSoftmax);
    }
}

/// <summary>A unit to lower, the graph tensors it reads (in its layer's input order) and the one it writes.</summary>
internal sealed record GraphUnit(LoweringUnit Unit, IReadOnlyList<int> Reads, int Writes);

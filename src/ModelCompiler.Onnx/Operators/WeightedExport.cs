using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using static ModelCompiler.Onnx.OnnxGraphBuilder;

namespace ModelCompiler.Onnx;

/// <summary>
/// What Conv2D and Dense exports share: weight and bias inputs (DequantizeLinear of the stored int8/int32 values in a
/// QDQ graph, float32 values otherwise) and the fused activation followed by the output's Q/DQ pair.
/// </summary>
internal abstract class WeightedExport<TLayer> : LayerExport<TLayer>
    where TLayer : WeightedLayer
{
    /// <summary>Weight and bias initializers (or their DequantizeLinear nodes), weights shaped <paramref name="weightDims"/>.</summary>
    protected static (string Weights, string Bias) Constants(LayerExportContext context, TLayer layer, long[] weightDims)
    {
        var graph = context.Graph;
        string name = layer.Name;
        int outputs = layer.Weights.OutputChannels;
        if (layer.Weights is Int8Weights w8 && context.Qdq)
        {
            float inputScale = context.InputTensor.Quant!.Value.Scale;
            var biasScales = w8.Scales.Select(s => inputScale * s).ToArray();
            string w = graph.Node("DequantizeLinear", name + "_w", [
                graph.Int8s(name + "_w_q", w8.Values, weightDims), graph.Floats(name + "_w_scale", w8.Scales, outputs),
                graph.Int8s(name + "_w_zp", Enumerable.Repeat((sbyte)w8.WeightZeroPoint, outputs).ToArray(), outputs)], Int("axis", 0));
            string b = graph.Node("DequantizeLinear", name + "_b", [
                graph.Int32s(name + "_b_q", w8.Bias, outputs), graph.Floats(name + "_b_scale", biasScales, outputs),
                graph.Int32s(name + "_b_zp", new int[outputs], outputs)], Int("axis", 0));
            return (w, b);
        }

        var (weights, bias) = FloatWeights.Of(layer.Weights, context.InputTensor.Quant);
        return (graph.Floats(name + "_w", weights, weightDims), graph.Floats(name + "_b", bias, outputs));
    }

    /// <summary>The fused activation as its own node, then (QDQ) the output's quantization.</summary>
    protected static string Activate(LayerExportContext context, TLayer layer, string y) =>
        context.Activate(y, layer.Name, layer.Activation, layer.OutputQuant);
}

using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Export;

/// <summary>What one layer of a model costs a prediction: parameters, multiply-accumulates and weight bytes.</summary>
public readonly record struct LayerCost(long Parameters, long MultiplyAccumulates, long WeightBytes)
{
    /// <summary>
    /// Layers with weights use each weight once per output position (a dense output has one position, a depthwise
    /// weight serves one channel of each position); layers without weights cost nothing here.
    /// </summary>
    public static LayerCost Of(Layer layer, TensorInfo output) => layer is WeightedLayer w
        ? new LayerCost((long)w.Weights.WeightCount + w.Weights.OutputChannels, (long)output.Shape.Height * output.Shape.Width * w.Weights.WeightCount, w.Weights.ByteSize)
        : default;

    /// <summary>The sum over a model's layers.</summary>
    public static LayerCost Total(QModel model)
    {
        var tensors = TensorChain.Infer(model);
        return model.Layers.Select((layer, i) => Of(layer, tensors[ModelGraph.OutputOf(i)]))
            .Aggregate(default(LayerCost), (a, b) => new LayerCost(a.Parameters + b.Parameters, a.MultiplyAccumulates + b.MultiplyAccumulates, a.WeightBytes + b.WeightBytes));
    }
}

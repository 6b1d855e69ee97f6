using ModelCompiler.Format;
using ModelCompiler.Trainer.Quantization;

namespace ModelCompiler.Trainer.Models;

/// <summary><c>globalavgpool</c>: the mean over height and width, requantized to its input's parameters in an int8 region.</summary>
internal sealed class GlobalAveragePoolTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.GlobalAvgPool;

    public override string NamePrefix => "gap";

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => TensorShape.Vector(RequireImage(input, layer).Channels);

    public override NetworkLayer Build(LayerSpec layer, TensorShape input) => new GlobalAveragePool(layer);

    public override LayerSpec? Import(Layer layer) => layer is GlobalAveragePoolLayer { OutputQuant: null }
        ? new LayerSpec { Kind = LayerKind.GlobalAvgPool, Name = layer.Name }
        : null;

    private sealed class GlobalAveragePool(LayerSpec spec) : UnaryNetworkLayer(spec)
    {
        protected override NetworkTensor Forward(NetworkTensor input, ForwardPass pass)
        {
            var mean = input.Value.mean([2L, 3L]);
            return input with { Value = input.Quant is { } q ? FakeQuantizer.Activation(mean, q) : mean };
        }

        protected override ExportedTensor Export(ExportedTensor input, ExportPass pass) =>
            pass.Append(new GlobalAveragePoolLayer(Name) { Inputs = [input.Name] }, input.Quant);
    }
}

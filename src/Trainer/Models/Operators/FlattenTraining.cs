using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary><c>flatten</c>: NCHW batches flatten in (c, h, w) order, so the export is a <see cref="FlattenOrder.Chw"/> flatten.</summary>
internal sealed class FlattenTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.Flatten;

    public override string NamePrefix => "flatten";

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => TensorShape.Vector(RequireImage(input, layer).Length);

    public override NetworkLayer Build(LayerSpec layer, TensorShape input) => new Flatten(layer);

    public override LayerSpec? Import(Layer layer) => layer is FlattenLayer { Order: FlattenOrder.Chw }
        ? new LayerSpec { Kind = LayerKind.Flatten, Name = layer.Name }
        : null;

    private sealed class Flatten(LayerSpec spec) : UnaryNetworkLayer(spec)
    {
        protected override NetworkTensor Forward(NetworkTensor input, ForwardPass pass) => input with { Value = input.Value.flatten(1) };

        protected override ExportedTensor Export(ExportedTensor input, ExportPass pass) =>
            pass.Append(new FlattenLayer(Name, FlattenOrder.Chw) { Inputs = [input.Name] }, input.Quant);
    }
}

using ModelCompiler.Format;
using F = TorchSharp.torch.nn.functional;

namespace ModelCompiler.Trainer.Models;

/// <summary><c>dropout</c>: acts in training only and is not exported.</summary>
internal sealed class DropoutTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.Dropout;

    public override string NamePrefix => "dropout";

    public override void Validate(LayerSpec layer, string source)
    {
        if (layer.Rate < 0 || layer.Rate >= 1)
        {
            throw new ModelDescriptionException($"{source}: dropout layer '{layer.Name}' needs a rate in [0, 1)");
        }
    }

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => input;

    public override NetworkLayer Build(LayerSpec layer, TensorShape input) => new Dropout(layer);

    private sealed class Dropout(LayerSpec spec) : UnaryNetworkLayer(spec)
    {
        protected override NetworkTensor Forward(NetworkTensor input, ForwardPass pass) =>
            input with { Value = F.dropout(input.Value, Spec.Rate, pass.Training) };

        protected override ExportedTensor Export(ExportedTensor input, ExportPass pass) => input;
    }
}

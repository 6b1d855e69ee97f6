using ModelCompiler.Format;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCompiler.Trainer.Models;

/// <summary><c>dense</c>: a torch <c>Linear</c> over the flattened input, exported as a <see cref="DenseLayer"/> ([units][inputs]).</summary>
internal sealed class DenseTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.Dense;

    public override string NamePrefix => "dense";

    public override bool HasWeights => true;

    public override void Validate(LayerSpec layer, string source)
    {
        if (layer.Units < 1)
        {
            throw new ModelDescriptionException($"{source}: dense layer '{layer.Name}' needs positive 'units'");
        }
    }

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => input.IsVector
        ? TensorShape.Vector(layer.Units)
        : throw new QModelFormatException(QModelError.ShapeMismatch, 0, $"dense layer '{layer.Name}' needs a flat input but receives {input}; add a flatten layer");

    public override NetworkLayer Build(LayerSpec layer, TensorShape input) => new Dense(layer, nn.Linear(input.Length, layer.Units));

    public override LayerSpec? Import(Layer layer) => layer is DenseLayer dense
        ? new LayerSpec { Kind = LayerKind.Dense, Name = dense.Name, Units = dense.Units, Activation = LayerSpec.ActivationName(dense.Activation) }
        : null;

    private sealed class Dense(LayerSpec spec, Linear linear) : WeightedNetworkLayer(spec, linear, linear.weight!, linear.bias!)
    {
        private readonly Linear _linear = linear;

        protected override (Tensor Weight, Tensor Bias) Parameters => (_linear.weight!, _linear.bias!);

        protected override Tensor Apply(Tensor x, Tensor weight, Tensor bias) => F.linear(x, weight, bias);

        protected override Layer ToQModel(WeightData weights, QuantParams? outputQuant, string input) =>
            new DenseLayer(Name, Spec.Units, Spec.ActivationFunction, weights, outputQuant) { Inputs = [input] };
    }
}

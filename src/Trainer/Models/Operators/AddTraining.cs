using ModelCompiler.Format;
using ModelCompiler.Trainer.Quantization;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// <c>add</c>: the element-wise sum of the two tensors its <c>inputs</c> names (a residual connection), with a fused
/// activation. When both inputs are int8 it is TFLite's ADD: the inputs keep their own quantization (they are the
/// fake-quantized values of the layers producing them), the sum goes through the activation and is observed and
/// fake-quantized with its own output range, as the int8 kernel (docs/arithmetic.md, "Addition") requantizes it.
/// Otherwise it adds in float32 (an int8 input is dequantized first).
/// </summary>
internal sealed class AddTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.Add;

    public override string NamePrefix => "add";

    public override int InputCount => 2;

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => input;

    public override TensorShape OutputShape(LayerSpec layer, IReadOnlyList<TensorShape> inputs) => inputs[0] == inputs[1]
        ? inputs[0]
        : throw new QModelFormatException(
            QModelError.ShapeMismatch, 0, $"add layer '{layer.Name}' adds '{layer.Inputs![0]}' {inputs[0]} and '{layer.Inputs[1]}' {inputs[1]}, which differ in shape");

    public override NetworkLayer Build(LayerSpec layer, TensorShape input) => new Sum(layer);

    public override LayerSpec? Import(Layer layer) => layer is AddLayer add
        ? new LayerSpec { Kind = LayerKind.Add, Name = add.Name, Activation = LayerSpec.ActivationName(add.Activation) }
        : null;

    private sealed class Sum(LayerSpec spec) : NetworkLayer(spec)
    {
        private readonly Activation _activation = spec.ActivationFunction;

        public ActivationObserver Output { get; } = new(spec.Name + "_out");

        public override IEnumerable<ActivationObserver> ExtraObservers => [Output];

        public override NetworkTensor Forward(IReadOnlyList<NetworkTensor> inputs, ForwardPass pass)
        {
            var y = FusedActivation.Apply(inputs[0].Value + inputs[1].Value, _activation);

            var network = pass.Network;
            if (network.Calibrating)
            {
                return new NetworkTensor(network.IsInt8(this) ? Output.forward(y) : y, null);
            }

            return inputs[0].Quant is not null && inputs[1].Quant is not null
                ? new NetworkTensor(Output.forward(y), Output.Params)
                : new NetworkTensor(y, null);
        }

        public override bool ProducesInt8(IReadOnlyList<bool> inputsInt8, GraphNetwork network) => inputsInt8[0] && inputsInt8[1];

        public override ExportedTensor Export(IReadOnlyList<ExportedTensor> inputs, ExportPass pass)
        {
            var (first, second) = (inputs[0], inputs[1]);
            if (first.Quant is not null && second.Quant is not null)
            {
                return pass.Append(new AddLayer(Name, _activation, Output.Params) { Inputs = [first.Name, second.Name] }, Output.Params);
            }

            first = Float(first, "_dequantize_a", pass);
            second = Float(second, "_dequantize_b", pass);
            return pass.Append(new AddLayer(Name, _activation, null) { Inputs = [first.Name, second.Name] }, null);
        }

        private ExportedTensor Float(ExportedTensor input, string suffix, ExportPass pass) => input.Quant is null
            ? input
            : pass.Append(new DequantizeLayer(Name + suffix) { Inputs = [input.Name] }, null);
    }
}

using ModelCompiler.Format;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// <c>conv2d</c>: a square-kernel convolution (stride 1 unless given, TensorFlow padding), optionally followed by a
/// batch normalization (<c>"batch_norm": true</c>, folded on export), trained as a torch <c>Conv2d</c> and exported as
/// a <see cref="Conv2DLayer"/> with OIHW weights, as TorchSharp stores them.
/// </summary>
internal sealed class Conv2DTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.Conv2D;

    public override string NamePrefix => "conv";

    public override bool HasWeights => true;

    public override bool AcceptsBatchNorm => true;

    public override int DefaultStride(LayerSpec layer) => 1;

    public override void Validate(LayerSpec layer, string source)
    {
        if (layer.Filters < 1 || layer.Kernel < 1)
        {
            throw new ModelDescriptionException($"{source}: conv layer '{layer.Name}' needs positive 'filters' and 'kernel'");
        }
    }

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => Window(input, layer, layer.Kernel, layer.Filters);

    public override NetworkLayer Build(LayerSpec layer, TensorShape input)
    {
        var conv = nn.Conv2d(input.Channels, layer.Filters, layer.Kernel, layer.EffectiveStride);
        return new Conv(layer, conv, layer.BatchNorm ? BatchNormFolding.Create(layer.Filters) : null);
    }

    public override LayerSpec? Import(Layer layer) => layer is Conv2DLayer conv
        && conv.KernelHeight == conv.KernelWidth && conv.StrideHeight == conv.StrideWidth
        ? new LayerSpec
        {
            Kind = LayerKind.Conv2D,
            Name = conv.Name,
            Filters = conv.Filters,
            Kernel = conv.KernelHeight,
            Stride = conv.StrideHeight,
            Padding = LayerSpec.PaddingName(conv.Padding),
            Activation = LayerSpec.ActivationName(conv.Activation),
        }
        : null;

    private sealed class Conv(LayerSpec spec, Conv2d conv, BatchNorm2d? norm) : WeightedNetworkLayer(spec, conv, conv.weight!, conv.bias!, norm)
    {
        private readonly Conv2d _conv = conv;
        private readonly Padding _padding = spec.PaddingMode;
        private readonly int _stride = spec.EffectiveStride;

        protected override (Tensor Weight, Tensor Bias) Parameters => (_conv.weight!, _conv.bias!);

        protected override Tensor Apply(Tensor x, Tensor weight, Tensor bias) =>
            SamePadding.Convolve(x, weight, bias, _padding, Spec.Kernel, _stride);

        protected override Layer ToQModel(WeightData weights, QuantParams? outputQuant, string input) => new Conv2DLayer(
            Name, Spec.Filters, Spec.Kernel, Spec.Kernel, _stride, _stride, _padding, Spec.ActivationFunction, weights, outputQuant) { Inputs = [input] };
    }
}

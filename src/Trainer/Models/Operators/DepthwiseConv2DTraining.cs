using ModelCompiler.Format;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// <c>depthwise_conv2d</c>: one square filter per channel (depth multiplier 1; stride 1 unless given, TensorFlow
/// padding), optionally followed by a batch normalization (<c>"batch_norm": true</c>, folded on export). Trained as a
/// torch <c>Conv2d(C, C, groups: C)</c>, whose weights <c>[C][1][KH][KW]</c> are the format's, and exported as a
/// <see cref="DepthwiseConv2DLayer"/>; int8 weights are per channel, as for conv2d.
/// </summary>
internal sealed class DepthwiseConv2DTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.DepthwiseConv2D;

    public override string NamePrefix => "dwconv";

    public override bool HasWeights => true;

    public override bool AcceptsBatchNorm => true;

    public override int DefaultStride(LayerSpec layer) => 1;

    public override void Validate(LayerSpec layer, string source)
    {
        if (layer.Kernel < 1)
        {
            throw new ModelDescriptionException($"{source}: depthwise conv layer '{layer.Name}' needs a positive 'kernel'");
        }

        if (layer.Filters != 0)
        {
            throw new ModelDescriptionException($"{source}: depthwise conv layer '{layer.Name}' has as many channels as its input; leave out 'filters'");
        }
    }

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => Window(input, layer, layer.Kernel, RequireImage(input, layer).Channels);

    public override NetworkLayer Build(LayerSpec layer, TensorShape input)
    {
        int channels = input.Channels;
        var conv = nn.Conv2d(channels, channels, layer.Kernel, layer.EffectiveStride, groups: channels);
        return new Depthwise(layer, conv, channels, layer.BatchNorm ? BatchNormFolding.Create(channels) : null);
    }

    public override LayerSpec? Import(Layer layer) => layer is DepthwiseConv2DLayer conv
        && conv.KernelHeight == conv.KernelWidth && conv.StrideHeight == conv.StrideWidth
        ? new LayerSpec
        {
            Kind = LayerKind.DepthwiseConv2D,
            Name = conv.Name,
            Kernel = conv.KernelHeight,
            Stride = conv.StrideHeight,
            Padding = LayerSpec.PaddingName(conv.Padding),
            Activation = LayerSpec.ActivationName(conv.Activation),
        }
        : null;

    private sealed class Depthwise(LayerSpec spec, Conv2d conv, int channels, BatchNorm2d? norm)
        : WeightedNetworkLayer(spec, conv, conv.weight!, conv.bias!, norm)
    {
        private readonly Conv2d _conv = conv;
        private readonly int _channels = channels;
        private readonly Padding _padding = spec.PaddingMode;
        private readonly int _stride = spec.EffectiveStride;

        protected override (Tensor Weight, Tensor Bias) Parameters => (_conv.weight!, _conv.bias!);

        protected override Tensor Apply(Tensor x, Tensor weight, Tensor bias) =>
            SamePadding.Convolve(x, weight, bias, _padding, Spec.Kernel, _stride, _channels);

        protected override Layer ToQModel(WeightData weights, QuantParams? outputQuant, string input) => new DepthwiseConv2DLayer(
            Name, Spec.Kernel, Spec.Kernel, _stride, _stride, _padding, Spec.ActivationFunction, weights, outputQuant) { Inputs = [input] };
    }
}

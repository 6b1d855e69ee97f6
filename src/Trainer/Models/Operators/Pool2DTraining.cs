using ModelCompiler.Format;
using ModelCompiler.Trainer.Quantization;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// <c>maxpool2d</c> and <c>avgpool2d</c>: square windows, stride the window unless given. Max pooling of quantized values
/// is quantized already; an average is requantized to its input's parameters, as the int8 kernel rounds it.
/// </summary>
internal sealed class Pool2DTraining : TrainingOperator
{
    public static readonly Pool2DTraining Max = new(isMax: true);

    public static readonly Pool2DTraining Average = new(isMax: false);

    private readonly bool _isMax;

    private Pool2DTraining(bool isMax) => _isMax = isMax;

    public override LayerKind Kind => _isMax ? LayerKind.MaxPool2D : LayerKind.AvgPool2D;

    public override string NamePrefix => "pool";

    public override void Validate(LayerSpec layer, string source)
    {
        if (!_isMax && layer.PaddingMode != Padding.Valid)
        {
            throw new ModelDescriptionException($"{source}: average pool '{layer.Name}' supports 'valid' padding only");
        }
    }

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) => Window(input, layer, layer.Pool, input.Channels);

    public override NetworkLayer Build(LayerSpec layer, TensorShape input) => new Pool(layer, _isMax);

    public override LayerSpec? Import(Layer layer) => layer is Pool2DLayer pool && pool.IsMax == _isMax
        && pool.PoolHeight == pool.PoolWidth && pool.StrideHeight == pool.StrideWidth
        ? new LayerSpec { Kind = Kind, Name = pool.Name, Pool = pool.PoolHeight, Stride = pool.StrideHeight, Padding = LayerSpec.PaddingName(pool.Padding) }
        : null;

    private sealed class Pool(LayerSpec spec, bool isMax) : UnaryNetworkLayer(spec)
    {
        private readonly bool _isMax = isMax;
        private readonly Padding _padding = spec.PaddingMode;
        private readonly int _stride = spec.EffectiveStride;

        protected override NetworkTensor Forward(NetworkTensor input, ForwardPass pass)
        {
            var (x, quant) = input;
            if (_isMax)
            {
                return input with { Value = F.max_pool2d(SamePadding.Apply(x, _padding, Spec.Pool, _stride, double.NegativeInfinity), Spec.Pool, _stride) };
            }

            var average = F.avg_pool2d(x, Spec.Pool, _stride);
            return input with { Value = quant is { } q ? FakeQuantizer.Activation(average, q) : average };
        }

        protected override ExportedTensor Export(ExportedTensor input, ExportPass pass) =>
            pass.Append(new Pool2DLayer(Name, _isMax, Spec.Pool, Spec.Pool, _stride, _stride, _padding) { Inputs = [input.Name] }, input.Quant);
    }
}

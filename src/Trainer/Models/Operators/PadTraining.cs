using ModelCompiler.Format;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// <c>pad</c>: zero padding of height and width (Keras ZeroPadding2D), <c>"pads"</c> as <c>[all]</c>, <c>[height, width]</c>
/// (both sides each) or <c>[top, bottom, left, right]</c>. It has no quantization of its own: 0.0 is on every int8 grid
/// (the zero point), so padding a fake-quantized tensor keeps it on its input's grid, as the int8 kernel keeps the
/// input's scale and zero point.
/// </summary>
internal sealed class PadTraining : TrainingOperator
{
    public override LayerKind Kind => LayerKind.Pad;

    public override string NamePrefix => "pad";

    public override void Validate(LayerSpec layer, string source)
    {
        if (layer.Pads is not { Length: 1 or 2 or 4 } pads || pads.Any(p => p < 0))
        {
            throw new ModelDescriptionException(
                $"{source}: pad layer '{layer.Name}' needs \"pads\": [all], [height, width] or [top, bottom, left, right], none negative");
        }
    }

    public override TensorShape OutputShape(LayerSpec layer, TensorShape input) =>
        TensorChain.Next(new TensorInfo(RequireImage(input, layer), ElementKind.Float32, null), ToLayer(layer)).Shape;

    public override NetworkLayer Build(LayerSpec layer, TensorShape input) => new Pad(layer);

    public override LayerSpec? Import(Layer layer) => layer is PadLayer pad
        ? new LayerSpec { Kind = LayerKind.Pad, Name = pad.Name, Pads = [pad.Top, pad.Bottom, pad.Left, pad.Right] }
        : null;

    private static PadLayer ToLayer(LayerSpec spec)
    {
        int[] p = spec.Pads!;
        return p.Length switch
        {
            1 => new PadLayer(spec.Name!, p[0], p[0], p[0], p[0]),
            2 => new PadLayer(spec.Name!, p[0], p[0], p[1], p[1]),
            _ => new PadLayer(spec.Name!, p[0], p[1], p[2], p[3]),
        };
    }

    private sealed class Pad(LayerSpec spec) : UnaryNetworkLayer(spec)
    {
        private readonly PadLayer _layer = ToLayer(spec);

        protected override NetworkTensor Forward(NetworkTensor input, ForwardPass pass) => input with
        {
            Value = F.pad(input.Value, [_layer.Left, _layer.Right, _layer.Top, _layer.Bottom], PaddingModes.Constant, 0.0),
        };

        protected override ExportedTensor Export(ExportedTensor input, ExportPass pass) =>
            pass.Append(new PadLayer(Name, _layer.Top, _layer.Bottom, _layer.Left, _layer.Right) { Inputs = [input.Name] }, input.Quant);
    }
}

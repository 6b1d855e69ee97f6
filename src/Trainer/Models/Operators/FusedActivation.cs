using ModelCompiler.Format;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCompiler.Trainer.Models;

/// <summary>The activation a layer fuses (conv2d, depthwise_conv2d, dense, add), applied in float before its output observer.</summary>
internal static class FusedActivation
{
    public static Tensor Apply(Tensor y, Activation activation) => activation switch
    {
        Activation.Relu => F.relu(y),
        Activation.Relu6 => F.relu6(y),
        _ => y,
    };
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A batch normalization after a convolution, folded into it: with the running statistics, BN(conv(x, W) + b) is
/// conv(x, W * f) + beta + (b - mean) * f per output channel, where f = gamma / sqrt(var + eps). The export writes
/// the folded constants; quantization-aware training fake-quantizes the folded weights, as TF-MOT and PyTorch do.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>Keras' BatchNormalization epsilon (torch's default is 1e-5).</summary>
    public const double Epsilon = 1e-3;

    /// <summary>
    /// Weight of each batch in the running statistics: torch's default 0.1, not Keras' 0.01 (its momentum 0.99), which
    /// after the few hundred steps of a short run leaves the running statistics halfway from their start (mean 0,
    /// variance 1) and the evaluated model at chance.
    /// </summary>
    public const double Momentum = 0.1;

    /// <summary>A batch normalization over <paramref name="channels"/>: Keras' epsilon, torch's momentum.</summary>
    public static BatchNorm2d Create(long channels) => nn.BatchNorm2d(channels, Epsilon, Momentum);

    /// <summary>f = gamma / sqrt(running_var + eps), one per channel (differentiable in gamma).</summary>
    public static Tensor Factor(BatchNorm2d norm) => norm.weight! / (norm.running_var! + Epsilon).sqrt();

    /// <summary>The folded weight (scaled along dimension 0) and bias, from the running statistics.</summary>
    public static (Tensor Weight, Tensor Bias) Fold(Tensor weight, Tensor bias, BatchNorm2d norm)
    {
        var factor = Factor(norm);
        return (weight * PerOutputChannel(factor, weight), norm.bias! + ((bias - norm.running_mean!) * factor));
    }

    /// <summary><paramref name="values"/> (one per output channel) shaped to scale a weight tensor along dimension 0.</summary>
    public static Tensor PerOutputChannel(Tensor values, Tensor weight)
    {
        var shape = Enumerable.Repeat(1L, (int)weight.dim()).ToArray();
        shape[0] = values.shape[0];
        return values.reshape(shape);
    }
}

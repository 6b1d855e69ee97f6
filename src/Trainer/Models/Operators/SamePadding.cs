using ModelCompiler.Format;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Padding = ModelCompiler.Format.Padding;

namespace ModelCompiler.Trainer.Models;

/// <summary>TensorFlow 'same' padding of an NCHW batch (the odd extra row and column after), as the Runtime pads.</summary>
internal static class SamePadding
{
    /// <summary><paramref name="x"/> unchanged for valid padding, else padded with <paramref name="value"/> in the new cells.</summary>
    public static Tensor Apply(Tensor x, Padding padding, int window, int stride, double value)
    {
        var (top, bottom, left, right) = Amounts(x, padding, window, stride);
        // A padding of nothing (1x1 kernels) would still copy the batch forward and its gradient backward.
        return top == 0 && bottom == 0 && left == 0 && right == 0
            ? x
            : F.pad(x, [left, right, top, bottom], PaddingModes.Constant, value);
    }

    /// <summary>
    /// The convolution of <paramref name="x"/> with TensorFlow padding. When the padding is the same on both sides of
    /// each axis (stride 1, or an odd size under stride 2) the convolution pads by itself, with the same zeros, instead
    /// of copying the batch into a padded one first; only the uneven case pads separately.
    /// </summary>
    public static Tensor Convolve(Tensor x, Tensor weight, Tensor bias, Padding padding, int kernel, int stride, long groups = 1)
    {
        var (top, bottom, left, right) = Amounts(x, padding, kernel, stride);
        return top == bottom && left == right
            ? F.conv2d(x, weight, bias, strides: [stride, stride], padding: [top, left], groups: groups)
            : F.conv2d(F.pad(x, [left, right, top, bottom], PaddingModes.Constant, 0.0), weight, bias, strides: [stride, stride], groups: groups);
    }

    private static (long Top, long Bottom, long Left, long Right) Amounts(Tensor x, Padding padding, int window, int stride)
    {
        if (padding == Padding.Valid)
        {
            return (0, 0, 0, 0);
        }

        int h = (int)x.shape[2], w = (int)x.shape[3];
        return (TensorChain.PaddingBefore(h, window, stride, Padding.Same), TensorChain.PaddingAfter(h, window, stride, Padding.Same),
            TensorChain.PaddingBefore(w, window, stride, Padding.Same), TensorChain.PaddingAfter(w, window, stride, Padding.Same));
    }
}

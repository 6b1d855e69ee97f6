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
        if (padding == Padding.Valid)
        {
            return x;
        }

        int h = (int)x.shape[2], w = (int)x.shape[3];
        long top = TensorChain.PaddingBefore(h, window, stride, Padding.Same);
        long left = TensorChain.PaddingBefore(w, window, stride, Padding.Same);
        long bottom = TensorChain.PaddingAfter(h, window, stride, Padding.Same);
        long right = TensorChain.PaddingAfter(w, window, stride, Padding.Same);
        return F.pad(x, [left, right, top, bottom], PaddingModes.Constant, value);
    }
}

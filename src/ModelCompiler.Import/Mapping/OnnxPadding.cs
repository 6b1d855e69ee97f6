using ModelCompiler.Format;
using FormatPadding = ModelCompiler.Format.Padding;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// ONNX padding in the format's terms, for the QDQ and the float mappers: SAME and VALID as they are, explicit pads as
/// SAME when they are what TensorFlow's SAME gives for this input, else null (a convolution then reads a pad layer).
/// </summary>
internal static class OnnxPadding
{
    /// <summary>The format's padding, or null for explicit pads that are neither VALID nor SAME for this input.</summary>
    public static FormatPadding? ToFormat(Padding padding, TensorShape input, int kh, int kw, int sh, int sw)
    {
        if (padding.Kind != PaddingKind.Explicit)
        {
            return padding.Kind == PaddingKind.Same ? FormatPadding.Same : FormatPadding.Valid;
        }

        return Same(input, kh, kw, sh, sw).SequenceEqual([padding.Top, padding.Left, padding.Bottom, padding.Right]) ? FormatPadding.Same : null;
    }

    /// <summary>Why a pool's explicit pads cannot be mapped (pools pad with ignored cells, which a pad layer is not).</summary>
    public static string PoolProblem(Padding padding, TensorShape input, int kh, int kw, int sh, int sw)
    {
        int[] same = Same(input, kh, kw, sh, sw);
        return $"{padding}: a pool's padding must be none or TensorFlow's SAME for a {input.Height}x{input.Width} input (top={same[0]} left={same[1]} bottom={same[2]} right={same[3]})";
    }

    private static int[] Same(TensorShape input, int kh, int kw, int sh, int sw) =>
    [
        TensorChain.PaddingBefore(input.Height, kh, sh, FormatPadding.Same), TensorChain.PaddingBefore(input.Width, kw, sw, FormatPadding.Same),
        TensorChain.PaddingAfter(input.Height, kh, sh, FormatPadding.Same), TensorChain.PaddingAfter(input.Width, kw, sw, FormatPadding.Same),
    ];
}

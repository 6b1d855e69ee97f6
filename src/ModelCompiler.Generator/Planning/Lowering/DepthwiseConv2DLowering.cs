using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// Int8 DepthwiseConv2D (depth multiplier 1): weights transposed to <c>[Kh][Kw][C]</c> so that one kernel cell's
/// channels are contiguous like the NHWC input's, the zero point folded into the bias, per-channel requantization. Same
/// padding becomes a padded copy of the input whose border holds the input zero point (no branches in the kernel).
/// Float-domain depthwise layers are not compiled (<see cref="Unsupported"/>).
/// </summary>
internal sealed class DepthwiseConv2DLowering : LayerLowering<DepthwiseConv2DLayer>
{
    public override string? Unsupported(Layer layer, IReadOnlyList<TensorInfo> inputs) =>
        layer is DepthwiseConv2DLayer { Weights: not Int8Weights } dw
            ? $"depthwise_conv2d layer '{dw.Name}' has precision {TensorChain.PrecisionName(dw.Precision)}: this generator compiles int8 depthwise convolutions only"
            : null;

    protected override LoweredStep Lower(DepthwiseConv2DLayer dw, LoweringUnit unit)
    {
        var w8 = (Int8Weights)dw.Weights;
        if (w8.WeightZeroPoint != 0)
        {
            return ZeroPointWeightsLowering.Depthwise(dw, w8, unit);
        }

        var inShape = unit.Input.Shape;
        var geometry = WindowGeometry.Of(inShape, unit.Output.Shape, dw.KernelHeight, dw.KernelWidth, dw.StrideHeight, dw.StrideWidth, dw.Padding);
        int channels = inShape.Channels;
        int paddedChannels = WeightPacking.RoundUp(channels, WeightPacking.Lanes);
        var spec = new ConvSpec(geometry, dw.Padding, dw.Activation, channels, paddedChannels);
        var inQuant = unit.Input.Quant!.Value;
        var output = Int8OutputStage.For(unit, dw.Activation, inQuant, w8, unit.Output.Quant!.Value, dw.KernelHeight * dw.KernelWidth, inQuant.ZeroPoint, paddedChannels, padMultipliers: true);
        var constants = NarrowRequantization.ConstantsFor(output, paddedChannels).ToEquatableArray();
        var weights = CellMajor(w8.Values, channels, dw.KernelHeight * dw.KernelWidth).ToEquatableArray();
        int bottom = TensorChain.PaddingAfter(inShape.Height, dw.KernelHeight, dw.StrideHeight, dw.Padding);
        int right = TensorChain.PaddingAfter(inShape.Width, dw.KernelWidth, dw.StrideWidth, dw.Padding);
        var border = new Border(geometry.PadTop, bottom, geometry.PadLeft, right);
        int paddedBytes = (inShape.Height + border.Top + border.Bottom) * (inShape.Width + border.Left + border.Right) * channels;
        var scratch = new List<ScratchRequest> { new("staged accumulators", 4 * WeightPacking.Lanes) };
        if (border.Any)
        {
            scratch.Add(new("padded input", paddedBytes));
        }

        return new LoweredStep(
            unit.Produced,
            scratch,
            (method, buffers) => new Int8DepthwiseConvStep(
                method, buffers.Input, buffers.Output, unit.Source, spec, inQuant.ZeroPoint, border, weights, output, constants,
                border.Any ? buffers.Scratch("padded input") : -1, buffers.Scratch("staged accumulators")));
    }

    /// <summary>The file's <c>[C][Kh][Kw]</c> as <c>[Kh][Kw][C]</c>, as bytes.</summary>
    private static byte[] CellMajor(sbyte[] values, int channels, int cells)
    {
        var packed = new byte[values.Length];
        for (int c = 0; c < channels; c++)
        {
            for (int k = 0; k < cells; k++)
            {
                packed[k * channels + c] = unchecked((byte)values[c * cells + k]);
            }
        }

        return packed;
    }
}

/// <summary>Rows and columns of padding around an input (TensorFlow's same padding: the odd one after).</summary>
internal sealed record Border(int Top, int Bottom, int Left, int Right)
{
    public bool Any => Top > 0 || Bottom > 0 || Left > 0 || Right > 0;
}

/// <summary>
/// Int8 DepthwiseConv2D over NHWC: <see cref="Spec"/>'s geometry, weights <c>[Kh][Kw][C]</c>, bias
/// <c>bias - zp_in * Σw</c> per channel, the requantization (multipliers padded to 16-channel blocks, with the
/// blocked convolution's 64-bit constants for the AVX-512 path). <see cref="PaddedInputOffset"/> is the padded copy
/// (-1 when the padding is empty and the kernel reads the input in place).
/// </summary>
internal sealed record Int8DepthwiseConvStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    ConvSpec Spec,
    int InputZeroPoint,
    Border Border,
    ImmutableEquatableArray<byte> Weights,
    Int8Output Requantization,
    ImmutableEquatableArray<byte> RequantizationConstants,
    int PaddedInputOffset,
    int StagedOffset) : StepPlan(MethodName, Input, Output, Source);

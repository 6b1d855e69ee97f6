using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// Int8 layers whose weights have a zero point (<c>weight_zero_point</c>, TFLite's legacy uint8 scheme): Conv2D,
/// DepthwiseConv2D and Dense. <c>w − zw</c> spans [-255, 255], which no int8 kernel holds, so the weights are stored
/// centred as int16 and the kernels (src/ModelCompiler.Kernels/ZeroPointWeights.cs) multiply them with the input: a
/// convolution's int16 patch of x (padded cells hold zx) with <c>zx · Σ(w − zw)</c> folded into the bias, a dense or
/// depthwise layer's input centred to <c>x − zx</c> with the bias as is. Either way the accumulator is the
/// interpreter's <c>bias + Σ (x − zx)(w − zw)</c>. No pool is fused into these convolutions.
/// </summary>
internal static class ZeroPointWeightsLowering
{
    /// <summary>int16 values per dot product are padded to this (the widest MultiplyAddAdjacent reads 32).</summary>
    public const int DotMultiple = 32;

    public static LoweredStep Conv(Conv2DLayer conv, Int8Weights w8, LoweringUnit unit)
    {
        var geometry = WindowGeometry.Of(unit.Input.Shape, unit.Output.Shape, conv.KernelHeight, conv.KernelWidth, conv.StrideHeight, conv.StrideWidth, conv.Padding);
        var spec = new ConvSpec(geometry, conv.Padding, conv.Activation, conv.Filters, conv.Filters);
        int cin = unit.Input.Shape.Channels;
        int k = conv.KernelHeight * conv.KernelWidth * cin;
        int paddedK = WeightPacking.RoundUp(k, DotMultiple);
        var inQuant = unit.Input.Quant!.Value;
        // The patch holds x (padded cells zx, GatherPatch's rule), so zx · Σ(w − zw) comes off the bias.
        var output = Stage(unit, conv.Activation, w8, k, foldedZeroPoint: inQuant.ZeroPoint);

        // OIHW to [Cout][K padded] with k = (ky*Kw + kx)*Cin + ci, the patch's order.
        var weights = new short[conv.Filters * paddedK];
        for (int co = 0; co < conv.Filters; co++)
        {
            for (int ky = 0; ky < conv.KernelHeight; ky++)
            {
                for (int kx = 0; kx < conv.KernelWidth; kx++)
                {
                    for (int ci = 0; ci < cin; ci++)
                    {
                        int source = ((co * cin + ci) * conv.KernelHeight + ky) * conv.KernelWidth + kx;
                        weights[co * paddedK + ((ky * conv.KernelWidth) + kx) * cin + ci] = (short)(w8.Values[source] - w8.WeightZeroPoint);
                    }
                }
            }
        }

        var bytes = Bytes(weights).ToEquatableArray();
        return new LoweredStep(
            unit.Produced,
            [new("patch", 2 * paddedK)],
            (method, buffers) => new ZeroPointConvStep(method, buffers.Input, buffers.Output, unit.Source, spec, inQuant.ZeroPoint, w8.WeightZeroPoint, k, paddedK, bytes, output, buffers.Scratch("patch")));
    }

    public static LoweredStep Depthwise(DepthwiseConv2DLayer dw, Int8Weights w8, LoweringUnit unit)
    {
        var geometry = WindowGeometry.Of(unit.Input.Shape, unit.Output.Shape, dw.KernelHeight, dw.KernelWidth, dw.StrideHeight, dw.StrideWidth, dw.Padding);
        int channels = unit.Input.Shape.Channels;
        var spec = new ConvSpec(geometry, dw.Padding, dw.Activation, channels, channels);
        int cells = dw.KernelHeight * dw.KernelWidth;
        var inQuant = unit.Input.Quant!.Value;
        var output = Stage(unit, dw.Activation, w8, cells, foldedZeroPoint: 0);

        // [C][Kh][Kw] to [Kh][Kw][C]: one kernel cell's channels contiguous, like the NHWC input's.
        var weights = new short[channels * cells];
        for (int c = 0; c < channels; c++)
        {
            for (int cell = 0; cell < cells; cell++)
            {
                weights[cell * channels + c] = (short)(w8.Values[c * cells + cell] - w8.WeightZeroPoint);
            }
        }

        var bytes = Bytes(weights).ToEquatableArray();
        return new LoweredStep(
            unit.Produced,
            [new("accumulators", 4 * channels)],
            (method, buffers) => new ZeroPointDepthwiseStep(method, buffers.Input, buffers.Output, unit.Source, spec, inQuant.ZeroPoint, w8.WeightZeroPoint, bytes, output, buffers.Scratch("accumulators")));
    }

    public static LoweredStep Dense(DenseLayer dense, Int8Weights w8, LoweringUnit unit, Func<int, int> columnOf)
    {
        int inputs = unit.Input.Shape.Length;
        int paddedInputs = WeightPacking.RoundUp(inputs, DotMultiple);
        var inQuant = unit.Input.Quant!.Value;
        var output = Stage(unit, dense.Activation, w8, inputs, foldedZeroPoint: 0);
        var weights = new short[dense.Units * paddedInputs];
        for (int u = 0; u < dense.Units; u++)
        {
            for (int j = 0; j < inputs; j++)
            {
                weights[u * paddedInputs + j] = (short)(w8.Values[u * inputs + columnOf(j)] - w8.WeightZeroPoint);
            }
        }

        var bytes = Bytes(weights).ToEquatableArray();
        return new LoweredStep(
            unit.Produced,
            [new("centred input", 2 * paddedInputs)],
            (method, buffers) => new ZeroPointDenseStep(
                method, buffers.Input, buffers.Output, unit.Source, dense.Activation, unit.FoldedChw, inQuant.ZeroPoint, w8.WeightZeroPoint, inputs, paddedInputs, dense.Units, bytes, output, buffers.Scratch("centred input")));
    }

    /// <summary>
    /// The output stage; <paramref name="foldedZeroPoint"/> is the input zero point the kernel leaves in its products
    /// (the convolution's patch holds x), 0 where it centres the input.
    /// </summary>
    private static Int8Output Stage(LoweringUnit unit, Activation activation, Int8Weights w8, int perOutput, int foldedZeroPoint) =>
        Int8OutputStage.For(unit, activation, unit.Input.Quant!.Value, w8, unit.Output.Quant!.Value, perOutput, foldedZeroPoint, w8.Bias.Length, padMultipliers: false);

    private static byte[] Bytes(short[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[2 * i] = (byte)values[i];
            bytes[2 * i + 1] = (byte)(values[i] >> 8);
        }

        return bytes;
    }
}

/// <summary>
/// Int8 Conv2D with a weight zero point: per output pixel the receptive field as int16 x (padded cells zx, tail to
/// <see cref="PaddedPatchLength"/> 0), then one <c>CenteredDot</c> per filter against int16 weights
/// <c>[Cout][K padded]</c> holding <c>w − zw</c>; the bias holds <c>bias − zx · Σ(w − zw)</c>.
/// </summary>
internal sealed record ZeroPointConvStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    ConvSpec Spec,
    int InputZeroPoint,
    int WeightZeroPoint,
    int PatchLength,
    int PaddedPatchLength,
    ImmutableEquatableArray<byte> Weights,
    Int8Output Requantization,
    int PatchOffset) : StepPlan(MethodName, Input, Output, Source);

/// <summary>Int8 DepthwiseConv2D with a weight zero point: int16 weights <c>[Kh][Kw][C]</c> holding <c>w − zw</c>, int32 accumulators per channel.</summary>
internal sealed record ZeroPointDepthwiseStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    ConvSpec Spec,
    int InputZeroPoint,
    int WeightZeroPoint,
    ImmutableEquatableArray<byte> Weights,
    Int8Output Requantization,
    int AccumulatorOffset) : StepPlan(MethodName, Input, Output, Source);

/// <summary>Int8 Dense with a weight zero point: the input centred to int16 once, int16 weights <c>[units][inputs padded]</c> holding <c>w − zw</c>.</summary>
internal sealed record ZeroPointDenseStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    Activation Activation,
    TensorShape? FoldedChw,
    int InputZeroPoint,
    int WeightZeroPoint,
    int Inputs,
    int PaddedInputs,
    int Units,
    ImmutableEquatableArray<byte> Weights,
    Int8Output Requantization,
    int CentredInputOffset) : StepPlan(MethodName, Input, Output, Source);

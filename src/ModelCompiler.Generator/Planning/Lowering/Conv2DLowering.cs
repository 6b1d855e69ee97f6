using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// Conv2D: int8 on the register-blocked kernel (<see cref="Int8BlockedConvStep"/>; 7-bit weights as they are, full
/// 8-bit weights with the input halved on the pair-summing paths), float32 / dynamic_int8 / float16 on the float kernel
/// (<see cref="FloatConvStep"/>). The int8 kind can absorb the MaxPool2D after it (<see cref="CanFuse"/>).
/// </summary>
internal sealed class Conv2DLowering : LayerLowering<Conv2DLayer>
{
    /// <summary>Whether <paramref name="pool"/> (over this convolution's output) runs inside the convolution's kernel.</summary>
    public static bool CanFuse(Conv2DLayer conv, Pool2DLayer pool, WindowGeometry window) => conv.Weights switch
    {
        Int8Weights { WeightZeroPoint: not 0 } => false,
        Int8Weights => BlockedConvLowering.CanFuse(pool, window),
        _ => false,
    };

    /// <summary>
    /// Whether an int8 Add over this convolution's output (<paramref name="convOutput"/>) can run inside the convolution's
    /// step: the register-blocked kernel (its every path writes only the output rows of its range, so that the rows can
    /// be added as soon as a range is done) and an int8 addition.
    /// </summary>
    public static bool CanFuse(Conv2DLayer conv, TensorInfo convOutput, TensorInfo addOutput) =>
        conv.Weights is Int8Weights { WeightZeroPoint: 0 } && convOutput.Quant is not null && addOutput.Quant is not null;

    protected override LoweredStep Lower(Conv2DLayer conv, LoweringUnit unit)
    {
        var geometry = WindowGeometry.Of(unit.Input.Shape, unit.Output.Shape, conv.KernelHeight, conv.KernelWidth, conv.StrideHeight, conv.StrideWidth, conv.Padding);
        int paddedCout = WeightPacking.RoundUp(conv.Filters, WeightPacking.Lanes);
        var spec = new ConvSpec(geometry, conv.Padding, conv.Activation, conv.Filters, paddedCout);
        var pool = unit.Pool is { } p ? new FusedPool(p.Layer.Name, p.Layer.Line, p.Window, p.Output.Shape) : null;
        return conv.Weights switch
        {
            Int8Weights { WeightZeroPoint: not 0 } w8 => ZeroPointWeightsLowering.Conv(conv, w8, unit),
            Int8Weights w8 => Blocked(conv, w8, unit, spec, pool),
            _ => Float(conv, unit, spec),
        };
    }

    private static LoweredStep Blocked(Conv2DLayer conv, Int8Weights w8, LoweringUnit unit, ConvSpec spec, FusedPool? pool)
    {
        int cin = unit.Input.Shape.Channels, cout = conv.Filters, paddedCout = spec.PaddedOutputChannels;
        int groups = BlockedConvLowering.GroupsFor(conv.KernelWidth, cin);
        int pixels = pool is null ? Math.Min(BlockedConvLowering.UnfusedPixels, spec.Geometry.OutputWidth) : pool.Window.KernelHeight * pool.Window.KernelWidth;
        var (paddedHeight, paddedWidth) = BlockedConvLowering.PaddedSize(spec.Geometry);
        var layout = new BlockedLayout(paddedHeight, paddedWidth, groups, pixels, BlockedConvLowering.VectorsFor(paddedCout / WeightPacking.Lanes, pixels), FullRangeWeights: !BlockedConvLowering.Applies(w8));
        var inQuant = unit.Input.Quant!.Value;
        int k = conv.KernelHeight * conv.KernelWidth * cin;
        var output = Int8OutputStage.For(unit, conv.Activation, inQuant, w8, unit.Output.Quant!.Value, k, inQuant.ZeroPoint + 128, paddedCout, padMultipliers: true);
        var weights = BlockedConvLowering.PackWeights(w8.Values, cout, cin, conv.KernelHeight, conv.KernelWidth, paddedCout, groups).ToEquatableArray();
        var constants = NarrowRequantization.ConstantsFor(output, paddedCout).ToEquatableArray();
        return new LoweredStep(
            unit.Produced,
            [new("unsigned input", (paddedHeight * paddedWidth * cin) + 4), new("accumulators", 4 * WeightPacking.Lanes)],
            (method, buffers) => new Int8BlockedConvStep(
                method, buffers.Input, buffers.Output, unit.Source, spec, pool, inQuant.ZeroPoint, layout, weights, output, constants,
                buffers.Scratch("unsigned input"), buffers.Scratch("accumulators"))
            {
                Add = unit.Add is { } add ? FusedAdditionOf(add, unit.Output, buffers.Inputs[1]) : null,
            });
    }

    /// <summary>The fused addition's constants, in the addition's input order, and where its other input (<paramref name="skip"/>) lies.</summary>
    private static FusedAddition FusedAdditionOf(FusedAddLayer add, TensorInfo convOutput, BufferSlice skip)
    {
        QuantParams conv = convOutput.Quant!.Value, other = add.Skip.Quant!.Value;
        var (stage, tables) = AddLowering.Int8Stage(add.Layer, add.ConvIsFirst ? conv : other, add.ConvIsFirst ? other : conv, add.Output.Quant!.Value, add.Rounding);
        return new FusedAddition(add.Layer.Name, add.Layer.Line, add.Layer.Activation, stage, tables, add.ConvIsFirst, skip);
    }

    private static LoweredStep Float(Conv2DLayer conv, LoweringUnit unit, ConvSpec spec)
    {
        int cin = unit.Input.Shape.Channels, paddedCout = spec.PaddedOutputChannels;
        var weights = WeightPacking.Store(
            conv.Weights, WeightPacking.FloatConvOrder(conv.Filters, cin, conv.KernelHeight, conv.KernelWidth, paddedCout), conv.KernelHeight * conv.KernelWidth * cin, paddedCout);
        var bias = WeightPacking.Pad(WeightPacking.FloatBias(conv.Weights), paddedCout).ToEquatableArray();
        return LoweredStep.Of(unit.Produced, (method, buffers) => new FloatConvStep(method, buffers.Input, buffers.Output, unit.Source, spec, weights, bias));
    }
}

/// <summary>
/// The register-blocked kernel's layout of one layer: the padded uint8 input, groups of 4 bytes per kernel row, pixels
/// and 16-channel vectors per step; <see cref="FullRangeWeights"/> when some weight lies outside [-64, 63], so that
/// the pair-summing paths halve the input (BlockedConvEmitter.FullRange.cs).
/// </summary>
internal sealed record BlockedLayout(int PaddedHeight, int PaddedWidth, int Groups, int Pixels, int Vectors, bool FullRangeWeights);

/// <summary>
/// Int8 Conv2D by the register-blocked kernel: activations become uint8 (q + 128) in a padded copy of the input, so
/// that for weights in [-64, 63] (7-bit weights, the format's <c>weight_bits 7</c>) <c>MultiplyAddAdjacent(u8, s8)</c>
/// can never saturate (2 * 255 * 64 &lt; 32767); other int8 weights take the halved input there
/// (<see cref="BlockedLayout.FullRangeWeights"/>). Each step computes
/// <see cref="BlockedLayout.Pixels"/> output pixels (one pool window when a pool is fused) times
/// <see cref="BlockedLayout.Vectors"/> blocks of 16 output channels. Weights packed <c>[Cout/16][Kh][G][16 lanes][4]</c>
/// over the contiguous NHWC run r = kx*Cin + ci of one kernel row (G = ceil(Kw*Cin/4); the 0..3 cells past the run read
/// neighbouring bytes against zero weights). Bias holds <c>bias - (zp_in + 128) * sum(w)</c>, so padded cells (holding
/// zp_in + 128) add nothing.
/// </summary>
internal sealed record Int8BlockedConvStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    ConvSpec Spec,
    FusedPool? Fused,
    int InputZeroPoint,
    BlockedLayout Layout,
    ImmutableEquatableArray<byte> Weights,
    Int8Output Requantization,
    ImmutableEquatableArray<byte> RequantizationConstants,
    int UnsignedInputOffset,
    int AccumulatorOffset) : StepPlan(MethodName, Input, Output, Source)
{
    /// <summary>The int8 Add run on each range of output rows right after the kernel, in place (LayerFusion), or null.</summary>
    public FusedAddition? Add { get; init; }

    public WindowGeometry Conv => Spec.Geometry;

    public WindowGeometry? Pool => Fused?.Window;

    public int OutputChannels => Spec.OutputChannels;

    public int PaddedOutputChannels => Spec.PaddedOutputChannels;

    public int PaddedHeight => Layout.PaddedHeight;

    public int PaddedWidth => Layout.PaddedWidth;

    public int Groups => Layout.Groups;

    public int Pixels => Layout.Pixels;

    public int Vectors => Layout.Vectors;

    public int OutputZeroPoint => Requantization.ZeroPoint;

    public int Min => Requantization.Min;

    public int Max => Requantization.Max;

    /// <summary>Bytes of one 16-channel block of packed weights.</summary>
    public int BlockBytes => Conv.KernelHeight * Groups * 64;
}

/// <summary>
/// An int8 Add fused into a convolution: its layer, constants and tables (as <see cref="Int8AddStep"/>'s), whether the
/// convolution's output is its first input, and its other input (<see cref="Skip"/>).
/// </summary>
internal sealed record FusedAddition(string Name, int Line, Activation Activation, AdditionStage Stage, ImmutableEquatableArray<byte>? Tables, bool ConvIsFirst, BufferSlice Skip);

/// <summary>Float-domain Conv2D (float32, dynamic int8 or float16), weights <c>[Cout/16][Kh][Kw][Cin][16]</c>.</summary>
internal sealed record FloatConvStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    ConvSpec Spec,
    StoredWeights Weights,
    ImmutableEquatableArray<float> Bias) : StepPlan(MethodName, Input, Output, Source);

/// <summary>The int8 output stage of an int8 layer, folded at build time.</summary>
internal static class Int8OutputStage
{
    /// <summary>
    /// Bias with <c>- foldedZeroPoint * Σw</c> folded in (padded to <paramref name="padded"/> with 0), multipliers
    /// (padded with 0 when the kernel reads whole blocks) and shifts per output (the multipliers of the unit's rounding
    /// rule, <c>RoundingRule.MultiplierFor</c>), the output zero point, the clamp.
    /// </summary>
    public static Int8Output For(LoweringUnit unit, Activation activation, QuantParams input, Int8Weights weights, QuantParams output, int perOutput, int foldedZeroPoint, int padded, bool padMultipliers)
    {
        // TFLite's per-tensor multiplier (float32 product) for its per-tensor fully connected layer and for every legacy
        // uint8 layer (a weight zero point), as the interpreter's Int8OutputStage chooses.
        bool perTensorDense = (unit.Layer is DenseLayer || weights.WeightZeroPoint != 0) && RoundingRule.IsPerTensor(weights.Scales);
        var (min, max) = Quantizer.ActivationRange(activation, output);
        var multipliers = new int[weights.Scales.Length];
        var shifts = new int[weights.Scales.Length];
        for (int c = 0; c < weights.Scales.Length; c++)
        {
            var m = RoundingRule.MultiplierFor(unit.Rounding, perTensorDense, input.Scale, weights.Scales[c], output.Scale);
            multipliers[c] = m.Multiplier;
            shifts[c] = m.Shift;
        }

        return new Int8Output(
            WeightPacking.FoldZeroPoint(weights.Bias, weights.Values, perOutput, foldedZeroPoint, weights.WeightZeroPoint, padded).ToEquatableArray(),
            (padMultipliers ? BlockedConvLowering.PadMultipliers(multipliers, padded) : multipliers).ToEquatableArray(),
            shifts.ToEquatableArray(), output.ZeroPoint, min, max, unit.Rounding);
    }
}

using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>
/// Dense: int8 (uint8 input against int8 weights, <see cref="Int8DenseStep"/>) or float-domain
/// (<see cref="FloatDenseStep"/>). A chw Flatten before it is folded into the order of its weight columns.
/// </summary>
internal sealed class DenseLowering : LayerLowering<DenseLayer>
{
    protected override LoweredStep Lower(DenseLayer dense, LoweringUnit unit)
    {
        int inputs = unit.Input.Shape.Length;
        Func<int, int> columnOf = j => j;
        if (unit.FoldedChw is { } chw)
        {
            int h = chw.Height, w = chw.Width, c = chw.Channels;
            columnOf = j => (((j % c) * h) + (j / c / w)) * w + (j / c % w);
        }

        if (dense.Weights is Int8Weights { WeightZeroPoint: not 0 } centred)
        {
            return ZeroPointWeightsLowering.Dense(dense, centred, unit, columnOf);
        }

        if (dense.Weights is Int8Weights w8)
        {
            int paddedInputs = WeightPacking.RoundUp(inputs, 64);
            var inQuant = unit.Input.Quant!.Value;
            var output = Int8OutputStage.For(unit, dense.Activation, inQuant, w8, unit.Output.Quant!.Value, inputs, inQuant.ZeroPoint + 128, dense.Units, padMultipliers: false);
            var weights = WeightPacking.PackInt8Dense(w8.Values, dense.Units, inputs, paddedInputs, columnOf).ToEquatableArray();
            return new LoweredStep(
                unit.Produced,
                [new("unsigned input", paddedInputs)],
                (method, buffers) => new Int8DenseStep(
                    method, buffers.Input, buffers.Output, unit.Source, dense.Activation, unit.FoldedChw, inQuant.ZeroPoint, inputs, paddedInputs, dense.Units,
                    weights, output, buffers.Scratch("unsigned input")) { FullRangeWeights = !BlockedConvLowering.Applies(w8) });
        }

        int paddedUnits = WeightPacking.RoundUp(dense.Units, WeightPacking.Lanes);
        var stored = WeightPacking.Store(dense.Weights, WeightPacking.FloatDenseOrder(dense.Units, inputs, paddedUnits, columnOf), inputs, paddedUnits);
        var bias = WeightPacking.Pad(WeightPacking.FloatBias(dense.Weights), paddedUnits).ToEquatableArray();
        return LoweredStep.Of(unit.Produced, (method, buffers) => new FloatDenseStep(
            method, buffers.Input, buffers.Output, unit.Source, dense.Activation, unit.FoldedChw, inputs, dense.Units, paddedUnits, stored, bias));
    }
}

/// <summary>
/// Int8 Dense; weights <c>[units][inputs padded to 64]</c>, columns in the arena's (HWC) order. The input is copied
/// as uint8 (q + 128) and multiplied u8 x s8 like the blocked convolution, four units at a time (full-range weights
/// halve it on the pair-summing paths, <see cref="FullRangeWeights"/>), and the bias holds
/// <c>bias - (zp_in + 128) * sum(w)</c>. <see cref="FoldedChw"/> is the shape of a chw Flatten folded into the column
/// order.
/// </summary>
internal sealed record Int8DenseStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    Activation Activation,
    TensorShape? FoldedChw,
    int InputZeroPoint,
    int Inputs,
    int PaddedInputs,
    int Units,
    ImmutableEquatableArray<byte> Weights,
    Int8Output Requantization,
    int UnsignedInputOffset) : StepPlan(MethodName, Input, Output, Source)
{
    /// <summary>Some weight lies outside [-64, 63]: the kernel halves the uint8 input on its pair-summing paths.</summary>
    public bool FullRangeWeights { get; init; }
}

/// <summary>Float-domain Dense, weights <c>[units/16][inputs][16]</c>, columns in the arena's (HWC) order.</summary>
internal sealed record FloatDenseStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    Activation Activation,
    TensorShape? FoldedChw,
    int Inputs,
    int Units,
    int PaddedUnits,
    StoredWeights Weights,
    ImmutableEquatableArray<float> Bias) : StepPlan(MethodName, Input, Output, Source);

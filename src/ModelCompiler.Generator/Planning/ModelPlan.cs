using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Everything the emitter needs, with every constant already folded (weights packed in kernel order, zero-point
/// corrections in the bias, requantization multipliers, buffer offsets). Plain equatable data: no Roslyn symbols,
/// so an unchanged model compares equal and the emitter step is skipped.
/// </summary>
internal sealed record ModelPlan(
    string Namespace,
    string ClassName,
    string SourceFileName,
    int InputHeight,
    int InputWidth,
    int InputChannels,
    InputLayout InputLayout,
    Preprocessing Preprocessing,
    QuantParams? InputQuant,
    ImmutableEquatableArray<int> PixelTable,
    ImmutableEquatableArray<string> Labels,
    ImmutableEquatableArray<string> Provenance,
    BufferSlice Input,
    ImmutableEquatableArray<StepPlan> Steps,
    BufferSlice Output,
    QuantParams? OutputQuant,
    bool EndsWithSoftmax,
    int ArenaBytes)
{
    public int InputLength => InputHeight * InputWidth * InputChannels;

    public int ClassCount => Labels.Count;

    public bool OutputIsInt8 => Output.IsInt8;
}

/// <summary>A tensor's place in the per-thread arena: byte offset, element count, element type (int8 or float32).</summary>
internal readonly record struct BufferSlice(int Offset, int Length, bool IsInt8)
{
    public int ByteLength => IsInt8 ? Length : 4 * Length;
}

/// <summary>One emitted kernel call. <see cref="Summary"/> is the comment that names its shapes and constants.</summary>
internal abstract record StepPlan(string MethodName, string Summary, BufferSlice Input, BufferSlice Output);

/// <summary>Window geometry of a convolution or pool over an (H, W, C) input.</summary>
internal readonly record struct WindowGeometry(
    int InputHeight, int InputWidth, int Channels, int OutputHeight, int OutputWidth,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft);

/// <summary>
/// Int8 Conv2D on NHWC int8, optionally fused with the MaxPool2D after it (the pool takes the maximum of the int32
/// accumulators, which is exact because requantization and the activation clamp never decrease).
/// Weights packed <c>[Cout/16][K/2][16 lanes][2]</c> over the patch index <c>k = (ky*Kw + kx)*Cin + ci</c>.
/// </summary>
internal sealed record Int8ConvStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    WindowGeometry Conv,
    WindowGeometry? Pool,
    int OutputChannels,
    int PaddedOutputChannels,
    int PatchLength,
    int PaddedPatchLength,
    int InputZeroPoint,
    ImmutableEquatableArray<byte> Weights,
    ImmutableEquatableArray<int> Bias,
    ImmutableEquatableArray<int> Multipliers,
    ImmutableEquatableArray<int> Shifts,
    int OutputZeroPoint,
    int Min,
    int Max,
    int PatchOffset,
    int AccumulatorOffset,
    int MaximumOffset) : StepPlan(MethodName, Summary, Input, Output);

/// <summary>
/// Int8 Conv2D by the register-blocked kernel, for layers whose weights all lie in [-64, 63] (7-bit weights, the
/// format's <c>weight_bits 7</c>): activations become uint8 (q + 128) in a padded copy of the input, so that
/// <c>MultiplyAddAdjacent(u8, s8)</c> can never saturate (2 * 255 * 64 &lt; 32767). Each step computes
/// <see cref="Pixels"/> output pixels (one pool window when <see cref="Pool"/> is fused) times <see cref="Vectors"/>
/// blocks of 16 output channels. Weights packed <c>[Cout/16][Kh][G][16 lanes][4]</c> over the contiguous NHWC run
/// r = kx*Cin + ci of one kernel row (G = ceil(Kw*Cin/4); the 0..3 cells past the run read neighbouring bytes against
/// zero weights). Bias holds <c>bias - (zp_in + 128) * sum(w)</c>, so padded cells (holding zp_in + 128) add nothing.
/// </summary>
internal sealed record Int8BlockedConvStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    WindowGeometry Conv,
    WindowGeometry? Pool,
    int OutputChannels,
    int PaddedOutputChannels,
    int PaddedHeight,
    int PaddedWidth,
    int Groups,
    int Pixels,
    int Vectors,
    int InputZeroPoint,
    ImmutableEquatableArray<byte> Weights,
    ImmutableEquatableArray<int> Bias,
    ImmutableEquatableArray<int> Multipliers,
    ImmutableEquatableArray<int> Shifts,
    ImmutableEquatableArray<byte> Requantization,
    int OutputZeroPoint,
    int Min,
    int Max,
    int UnsignedInputOffset,
    int AccumulatorOffset) : StepPlan(MethodName, Summary, Input, Output)
{
    /// <summary>Bytes of the padded uint8 input plus the over-read slack of the last group.</summary>
    public int UnsignedInputBytes => PaddedHeight * PaddedWidth * Conv.Channels + 4;

    /// <summary>Bytes of one 16-channel block of packed weights.</summary>
    public int BlockBytes => Conv.KernelHeight * Groups * 64;
}

/// <summary>
/// Int8 Dense; weights <c>[units][inputs padded to 64]</c>, columns in the arena's (HWC) order. With
/// <see cref="UnsignedInput"/> (7-bit weights) the input is copied as uint8 (q + 128) and multiplied u8 x s8 like the
/// blocked convolution, four units at a time, and the bias holds <c>bias - (zp_in + 128) * sum(w)</c>; otherwise it is
/// widened to int16.
/// </summary>
internal sealed record Int8DenseStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    int Inputs,
    int PaddedInputs,
    int Units,
    ImmutableEquatableArray<byte> Weights,
    ImmutableEquatableArray<int> Bias,
    ImmutableEquatableArray<int> Multipliers,
    ImmutableEquatableArray<int> Shifts,
    int OutputZeroPoint,
    int Min,
    int Max,
    int WideInputOffset,
    bool UnsignedInput) : StepPlan(MethodName, Summary, Input, Output);

/// <summary>
/// Weights of a float-domain layer in kernel order, at their stored precision: float32 bits, float16 bits, or int8
/// values with one float32 scale per (padded) output channel. <see cref="PerOutput"/> is the weights per output.
/// </summary>
internal sealed record StoredWeights(Precision Precision, int Count, int PerOutput, ImmutableEquatableArray<byte> Bytes, ImmutableEquatableArray<float> ChannelScales);

/// <summary>Float-domain Conv2D (float32, dynamic int8 or float16), weights <c>[Cout/16][Kh][Kw][Cin][16]</c>.</summary>
internal sealed record FloatConvStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    WindowGeometry Conv,
    int OutputChannels,
    int PaddedOutputChannels,
    StoredWeights Weights,
    ImmutableEquatableArray<float> Bias,
    Activation Activation) : StepPlan(MethodName, Summary, Input, Output);

/// <summary>Float-domain Dense, weights <c>[units/16][inputs][16]</c>, columns in the arena's (HWC) order.</summary>
internal sealed record FloatDenseStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    int Inputs,
    int Units,
    int PaddedUnits,
    StoredWeights Weights,
    ImmutableEquatableArray<float> Bias,
    Activation Activation) : StepPlan(MethodName, Summary, Input, Output);

/// <summary>MaxPool2D or AveragePool2D on int8 or float, not fused into a convolution.</summary>
internal sealed record PoolStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    WindowGeometry Window,
    bool IsMax) : StepPlan(MethodName, Summary, Input, Output);

/// <summary>Mean over H and W per channel.</summary>
internal sealed record GlobalAveragePoolStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    int Height, int Width, int Channels) : StepPlan(MethodName, Summary, Input, Output);

/// <summary>HWC to CHW element order (a Flatten that could not be folded into the next Dense).</summary>
internal sealed record ChwFlattenStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output,
    int Height, int Width, int Channels) : StepPlan(MethodName, Summary, Input, Output);

/// <summary>Float32 to int8 (Quantize layer).</summary>
internal sealed record QuantizeStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output, QuantParams Quant)
    : StepPlan(MethodName, Summary, Input, Output);

/// <summary>Int8 to float32 (Dequantize layer).</summary>
internal sealed record DequantizeStep(
    string MethodName, string Summary, BufferSlice Input, BufferSlice Output, QuantParams Quant)
    : StepPlan(MethodName, Summary, Input, Output);

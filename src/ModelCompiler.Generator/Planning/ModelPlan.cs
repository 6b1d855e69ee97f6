using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Everything the emitter needs, with every constant already folded (weights packed in kernel order, zero-point
/// corrections in the bias, requantization multipliers, buffer offsets). Plain equatable data: no Roslyn symbols and
/// no prose (the emitter writes the comments from this data), so an unchanged model compares equal and the emitter
/// step is skipped.
/// </summary>
internal sealed record ModelPlan(
    string Namespace,
    string ClassName,
    string SourceFileName,
    TensorShape InputShape,
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
    public int InputHeight => InputShape.Height;

    public int InputWidth => InputShape.Width;

    public int InputChannels => InputShape.Channels;

    public int InputLength => InputShape.Length;

    public int ClassCount => Labels.Count;

    public bool OutputIsInt8 => Output.IsInt8;
}

/// <summary>A tensor's place in the per-thread arena: byte offset, element count, element type (int8 or float32).</summary>
internal readonly record struct BufferSlice(int Offset, int Length, bool IsInt8);

/// <summary>Where a step's layer is in the model file (its name is the file's, unescaped) and its shapes.</summary>
internal sealed record LayerSource(string Name, int Line, TensorShape Input, TensorShape Output);

/// <summary>One emitted kernel call: its method, its buffers, the layer it runs.</summary>
internal abstract record StepPlan(string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source);

/// <summary>Window geometry of a convolution or pool over an (H, W, C) input.</summary>
internal readonly record struct WindowGeometry(
    int InputHeight, int InputWidth, int Channels, int OutputHeight, int OutputWidth,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft)
{
    public static WindowGeometry Of(TensorShape input, TensorShape output, int kh, int kw, int sh, int sw, Padding padding) =>
        new(input.Height, input.Width, input.Channels, output.Height, output.Width, kh, kw, sh, sw,
            TensorChain.PaddingBefore(input.Height, kh, sh, padding), TensorChain.PaddingBefore(input.Width, kw, sw, padding));
}

/// <summary>A convolution's geometry and attributes, and its output channels padded to whole blocks of 16.</summary>
internal sealed record ConvSpec(WindowGeometry Geometry, Padding Padding, Activation Activation, int OutputChannels, int PaddedOutputChannels);

/// <summary>A MaxPool2D fused into the convolution before it: its layer, window and output.</summary>
internal sealed record FusedPool(string Name, int Line, WindowGeometry Window, TensorShape Output);

/// <summary>
/// The int8 output stage of a layer: the bias with the zero-point correction folded in, the per-channel requantization
/// multipliers and shifts (<c>RoundingRule.MultiplierFor</c>), the output zero point, the activation clamp and the
/// model's rounding rule.
/// </summary>
internal sealed record Int8Output(
    ImmutableEquatableArray<int> Bias, ImmutableEquatableArray<int> Multipliers, ImmutableEquatableArray<int> Shifts, int ZeroPoint, int Min, int Max, Rounding Rounding);

/// <summary>
/// Weights of a float-domain layer in kernel order, at their stored precision: float32 bits, float16 bits, or int8
/// values with one float32 scale per (padded) output channel. <see cref="PerOutput"/> is the weights per output.
/// </summary>
internal sealed record StoredWeights(Precision Precision, int Count, int PerOutput, ImmutableEquatableArray<byte> Bytes, ImmutableEquatableArray<float> ChannelScales);

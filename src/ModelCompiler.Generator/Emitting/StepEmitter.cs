using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;
using ModelCompiler.Generator.Planning;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting;

/// <summary>
/// Writes one planned step: a comment naming the layer, its shapes and constants (written here, from the plan's data),
/// the step method with literal shapes and offsets, the step's constant data and any kernels of its own. One subclass
/// per step kind, registered with its lowering in <see cref="LoweringCatalog"/>.
/// </summary>
internal abstract class StepEmitter
{
    public abstract Type StepType { get; }

    /// <summary>
    /// Layers of fewer multiply-accumulates run on the calling thread even with intra-op threads. A split costs a few
    /// microseconds on idle cores, but when another process holds a core a worker can be preempted holding a chunk and
    /// the layer waits for it; below about 3 M MACs (some 30 µs on one core) the gain cannot pay for that risk. This
    /// keeps fashion-cnn (largest layer 2.2 M MACs) entirely on the calling thread; intel-cnn's convolutions and its
    /// 3.3 M-MAC, memory-bound first dense layer split.
    /// </summary>
    public const long MinimumSplitMacs = 3_000_000;

    public void Write(SourceWriter w, StepPlan step)
    {
        w.WriteLine($"/// <summary>{Xml(Summary(step))}</summary>");
        if (Split(step) is { } split)
        {
            WriteSplitStep(w, step, split);
        }
        else
        {
            using (w.OpenBlock($"private static void {step.MethodName}(ref byte arena, int vectorBits)"))
            {
                WriteBody(w, step);
            }
        }

        w.WriteLine();
        WriteData(w, step);
        WriteKernels(w, step);
    }

    /// <summary>The step's multiply-accumulates where it declares a split, else 0 (for the timing aid's table).</summary>
    public long Macs(StepPlan step) => Split(step)?.Macs ?? 0;

    /// <summary>Whether the step runs its items on intra-op threads (its method then takes the arena array and the pool).</summary>
    public bool Splits(StepPlan step) => Split(step) is not null;

    /// <summary>
    /// The independent items a step's work splits into (output rows, groups of units) and its multiply-accumulates;
    /// null for steps that always run whole on the calling thread.
    /// </summary>
    protected virtual WorkSplit? Split(StepPlan step) => null;

    /// <summary>
    /// The method of a splittable step: the serial prologue (<see cref="WriteBody"/>), then items [0, count) through the
    /// pool when the call has one and the layer is large enough, else inline; and the range method both run.
    /// </summary>
    private void WriteSplitStep(SourceWriter w, StepPlan step, WorkSplit split)
    {
        string range = step.MethodName + "_Range";
        using (w.OpenBlock($"private static void {step.MethodName}(byte[] arenaArray, int vectorBits, IntraOpThreadPool? pool, long minimumMacs)"))
        {
            w.WriteLine("ref byte arena = ref MemoryMarshal.GetArrayDataReference(arenaArray);");
            WriteBody(w, step);
            w.WriteLine($"// {Int(split.Items)} {split.What}, {split.Macs.ToString(System.Globalization.CultureInfo.InvariantCulture)} multiply-accumulates.");
            w.WriteLine($"if (pool is not null && {split.Macs.ToString(System.Globalization.CultureInfo.InvariantCulture)}L >= minimumMacs) pool.Run({range}Body, arenaArray, vectorBits, {Int(split.Items)});");
            w.WriteLine($"else {range}(arenaArray, vectorBits, 0, {Int(split.Items)});");
        }

        w.WriteLine();
        w.WriteLine($"private static readonly IntraOpRange {range}Body = {range};");
        w.WriteLine();
        w.WriteLine($"/// <summary>{Xml(split.What)} [start, end) of {step.MethodName}, on any thread: it reads and writes only its own items' outputs.</summary>");
        using (w.OpenBlock($"private static void {range}(byte[] arenaArray, int vectorBits, int start, int end)"))
        {
            w.WriteLine("ref byte arena = ref MemoryMarshal.GetArrayDataReference(arenaArray);");
            WriteRange(w, step);
        }
    }

    /// <summary>The body of a splittable step's range method: items [start, end) on <c>arena</c>.</summary>
    protected virtual void WriteRange(SourceWriter w, StepPlan step)
    {
    }

    protected abstract string Summary(StepPlan step);

    protected abstract void WriteBody(SourceWriter w, StepPlan step);

    protected virtual void WriteData(SourceWriter w, StepPlan step)
    {
    }

    protected virtual void WriteKernels(SourceWriter w, StepPlan step)
    {
    }

    protected static string Element(BufferSlice slice) => slice.IsInt8 ? "sbyte" : "float";

    /// <summary>The step's input and output as typed references into the arena.</summary>
    protected static void Buffers(SourceWriter w, StepPlan step)
    {
        w.WriteLine($"ref {Element(step.Input)} input = ref At<{Element(step.Input)}>(ref arena, {Int(step.Input.Offset)}); // {Int(step.Input.Length)} values");
        w.WriteLine($"ref {Element(step.Output)} output = ref At<{Element(step.Output)}>(ref arena, {Int(step.Output.Offset)}); // {Int(step.Output.Length)} values");
    }

    /// <summary><c>'name' (line N): [in] -> [out]</c>, the layer as the comment names it.</summary>
    protected static string Layer(LayerSource source) => $"'{Printable(source.Name)}' (line {source.Line}): {source.Input} -> {source.Output}";

    protected static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The part of a convolution's comment every kind shares: kernel, stride, padding.</summary>
    protected static string Window(ConvSpec spec)
    {
        var g = spec.Geometry;
        return $"kernel {g.KernelHeight}x{g.KernelWidth}, stride {g.StrideHeight}x{g.StrideWidth}, {Lower(spec.Padding)} padding (top {g.PadTop}, left {g.PadLeft})";
    }

    /// <summary>The int8 part of a comment: activation clamp and zero points.</summary>
    protected static string Int8Stage(Activation activation, Int8Output requantization, int inputZeroPoint) =>
        $"{Lower(activation)} activation (clamp [{requantization.Min}, {requantization.Max}]), zero points in {inputZeroPoint} / out {requantization.ZeroPoint}"
        + (requantization.Rounding == Rounding.Tflite ? ", TFLite rounding" : "");

    /// <summary>The kernels' type argument naming the model's requantization rule (src/ModelCompiler.Kernels/RoundingRules.cs).</summary>
    protected static string RoundingType(Rounding rounding) => rounding == Rounding.Tflite ? "TfliteRounding" : "SingleRounding";

    /// <summary>The class whose scalar <c>Requantize</c> applies the model's rule.</summary>
    protected static string RequantizerClass(Rounding rounding) => rounding == Rounding.Tflite ? "TfliteRequantizer" : "Requantizer";

    /// <summary>
    /// The AVX-512 requantization's 64-bit constants per 16 channels: <c>NarrowRequantization.Constants</c> when every
    /// shift allows it, else <c>BlockedConvLowering.RequantizationConstants</c>.
    /// </summary>
    protected static void WriteRequantizationConstants(SourceWriter w, string method, ImmutableEquatableArray<byte> constants, Int8Output requantization)
    {
        WriteDataLiteral(w, method + "_Requantization", constants.AsArray(), NarrowRequantization.Applies(requantization)
            ? "Per 16 channels, int64 (RequantizeStoreNarrow512): shifts of the even channels, of the odd channels less 32, 2^(shift-1) + "
                + (requantization.Rounding == Rounding.Tflite ? "2^30 + " : "") + "zp * 2^shift of each, then the multipliers of each."
            : "Per 16 channels, int64: shifts of the even channels, of the odd channels, then the rounding term of each.");
        w.WriteLine();
    }

    /// <summary>
    /// The start of the AVX-512 requantize-and-store call of the 16 channels from <paramref name="channel"/>, up to the
    /// target argument; <c>{acc}</c> stands for the accumulator vector. The narrow form when every shift allows it.
    /// </summary>
    protected static string Requantize512(Int8Output requantization, string channel) =>
        NarrowRequantization.Applies(requantization)
            ? $"RequantizeStoreNarrow512<{RoundingType(requantization.Rounding)}>({{acc}}, ref Unsafe.Add(ref requantization, {Times(channel, NarrowRequantization.LongsPerChannel)}), {Int(requantization.Min)}, {Int(requantization.Max)}"
            : $"RequantizeStore512<{RoundingType(requantization.Rounding)}>({{acc}}, ref Unsafe.Add(ref multipliers, {channel}), ref Unsafe.Add(ref requantization, {Times(channel, 2)}), {Int(requantization.ZeroPoint)}, {Int(requantization.Min)}, {Int(requantization.Max)}";

    private static string Times(string channel, int factor) => channel.Contains(" ") ? $"({channel}) * {Int(factor)}" : $"{channel} * {Int(factor)}";

    /// <summary>The folded bias, requantization multipliers and shifts of an int8 layer.</summary>
    protected static void WriteRequantizationData(SourceWriter w, string method, Int8Output requantization, string biasComment, string index, string per)
    {
        WriteInt32Data(w, method + "_Bias", requantization.Bias, biasComment);
        w.WriteLine();
        WriteInt32Data(w, method + "_Multipliers", requantization.Multipliers, $"Requantizer.MultiplierFor(s_in, s_w[{index}], s_out).Multiplier per {per}.");
        w.WriteLine();
        WriteInt32Data(w, method + "_Shifts", requantization.Shifts, $"Requantizer.MultiplierFor(s_in, s_w[{index}], s_out).Shift per {per}.");
        w.WriteLine();
    }
}

/// <inheritdoc cref="StepEmitter"/>
internal abstract class StepEmitter<TStep> : StepEmitter
    where TStep : StepPlan
{
    public override Type StepType => typeof(TStep);

    protected sealed override string Summary(StepPlan step) => Summary((TStep)step);

    protected sealed override void WriteBody(SourceWriter w, StepPlan step) => WriteBody(w, (TStep)step);

    protected sealed override void WriteData(SourceWriter w, StepPlan step) => WriteData(w, (TStep)step);

    protected sealed override void WriteKernels(SourceWriter w, StepPlan step) => WriteKernels(w, (TStep)step);

    protected sealed override WorkSplit? Split(StepPlan step) => Split((TStep)step);

    protected sealed override void WriteRange(SourceWriter w, StepPlan step) => WriteRange(w, (TStep)step);

    protected virtual WorkSplit? Split(TStep step) => null;

    protected virtual void WriteRange(SourceWriter w, TStep step)
    {
    }

    protected abstract string Summary(TStep step);

    protected abstract void WriteBody(SourceWriter w, TStep step);

    protected virtual void WriteData(SourceWriter w, TStep step)
    {
    }

    protected virtual void WriteKernels(SourceWriter w, TStep step)
    {
    }
}

/// <summary>A splittable step's items (each writes outputs no other item writes), what they are, and the layer's multiply-accumulates.</summary>
internal sealed record WorkSplit(int Items, string What, long Macs);

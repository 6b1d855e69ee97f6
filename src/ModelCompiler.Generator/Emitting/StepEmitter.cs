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

    public void Write(SourceWriter w, StepPlan step)
    {
        w.WriteLine($"/// <summary>{Xml(Summary(step))}</summary>");
        using (w.OpenBlock($"private static void {step.MethodName}(ref byte arena, int vectorBits)"))
        {
            WriteBody(w, step);
        }

        w.WriteLine();
        WriteData(w, step);
        WriteKernels(w, step);
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
        $"{Lower(activation)} activation (clamp [{requantization.Min}, {requantization.Max}]), zero points in {inputZeroPoint} / out {requantization.ZeroPoint}";

    /// <summary>The AVX-512 requantization's 64-bit constants per 16 channels (<c>BlockedConvLowering.RequantizationConstants</c>).</summary>
    protected static void WriteRequantizationConstants(SourceWriter w, string method, ImmutableEquatableArray<byte> constants)
    {
        WriteDataLiteral(w, method + "_Requantization", constants.AsArray(), "Per 16 channels, int64: shifts of the even channels, of the odd channels, then 2^(shift-1) of each.");
        w.WriteLine();
    }

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

    protected abstract string Summary(TStep step);

    protected abstract void WriteBody(SourceWriter w, TStep step);

    protected virtual void WriteData(SourceWriter w, TStep step)
    {
    }

    protected virtual void WriteKernels(SourceWriter w, TStep step)
    {
    }
}

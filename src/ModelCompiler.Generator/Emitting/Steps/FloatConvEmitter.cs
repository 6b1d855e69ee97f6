using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The float-domain convolution (float32, dynamic_int8 or float16 weights).</summary>
internal sealed class FloatConvEmitter : StepEmitter<FloatConvStep>
{
    protected override string Summary(FloatConvStep s) =>
        $"{Format.TensorChain.PrecisionName(s.Weights.Precision)} Conv2D {Layer(s.Source)}, {Window(s.Spec)}, "
        + $"{Lower(s.Spec.Activation)} activation; float32 arithmetic, no FMA, sum order ky, kx, ci per output.";

    protected override void WriteBody(SourceWriter w, FloatConvStep s)
    {
        var c = s.Spec.Geometry;
        Buffers(w, s);
        w.WriteLine("Span<float> lanes = stackalloc float[16];");
        w.WriteLine($"FloatConv(ref input, {FloatWeights.Reference(s.MethodName, s.Weights)}, "
            + $"{DataReference(s.MethodName + "_Bias", "float")}, ref output, lanes, "
            + $"{Int(c.InputHeight)}, {Int(c.InputWidth)}, {Int(c.Channels)}, {Int(c.OutputHeight)}, {Int(c.OutputWidth)}, {Int(c.KernelHeight)}, {Int(c.KernelWidth)}, "
            + $"{Int(c.StrideHeight)}, {Int(c.StrideWidth)}, {Int(c.PadTop)}, {Int(c.PadLeft)}, {Int(s.Spec.OutputChannels)}, {Int((int)s.Spec.Activation)}, vectorBits);");
    }

    protected override void WriteData(SourceWriter w, FloatConvStep s)
    {
        FloatWeights.Write(w, s.MethodName, s.Weights, "[Cout/16][Kh][Kw][Cin][16]");
        WriteDataLiteral(w, s.MethodName + "_Bias", FloatBytes(s.Bias), "float32 bias (bits), padded to a multiple of 16.");
        w.WriteLine();
    }
}

using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The float-domain dense layer (float32, dynamic_int8 or float16 weights).</summary>
internal sealed class FloatDenseEmitter : StepEmitter<FloatDenseStep>
{
    protected override string Summary(FloatDenseStep s) =>
        $"{Format.TensorChain.PrecisionName(s.Weights.Precision)} Dense {Layer(s.Source)}, "
        + $"{Lower(s.Activation)} activation; float32 arithmetic, no FMA, inputs summed in ascending order.{Int8DenseEmitter.FoldedFlatten(s.FoldedChw)}";

    protected override void WriteBody(SourceWriter w, FloatDenseStep s)
    {
        Buffers(w, s);
        w.WriteLine("Span<float> lanes = stackalloc float[16];");
        w.WriteLine($"FloatDense(ref input, {FloatWeights.Reference(s.MethodName, s.Weights)}, "
            + $"{DataReference(s.MethodName + "_Bias", "float")}, ref output, lanes, {Int(s.Inputs)}, {Int(s.Units)}, {Int((int)s.Activation)}, vectorBits);");
    }

    protected override void WriteData(SourceWriter w, FloatDenseStep s)
    {
        FloatWeights.Write(w, s.MethodName, s.Weights, "[units/16][inputs][16], inputs in arena (hwc) order");
        WriteDataLiteral(w, s.MethodName + "_Bias", FloatBytes(s.Bias), "float32 bias (bits), padded to a multiple of 16.");
        w.WriteLine();
    }
}

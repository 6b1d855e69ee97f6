using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>Float32 to int8 with the layer's quantization (Quantizer.Quantize element by element).</summary>
internal sealed class QuantizeKernel(QuantParams quant, TensorInfo output) : UnaryKernel
{
    public override TensorValue Run(TensorValue input) => TensorValue.OfInt8(output.Shape, Quantize(input.FloatValues, quant));

    public static sbyte[] Quantize(ReadOnlySpan<float> x, QuantParams quant)
    {
        var y = new sbyte[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = (sbyte)Quantizer.Quantize(x[i], quant);
        }

        return y;
    }
}

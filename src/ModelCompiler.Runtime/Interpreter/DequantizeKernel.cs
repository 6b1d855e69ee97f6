using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>Int8 to float32 with the input tensor's quantization (Quantizer.Dequantize element by element).</summary>
internal sealed class DequantizeKernel(TensorInfo input, TensorInfo output) : UnaryKernel
{
    public override TensorValue Run(TensorValue x) => TensorValue.OfFloat(output.Shape, Dequantize(x.Int8Values, input.Quant!.Value));

    public static float[] Dequantize(sbyte[] q, QuantParams quant)
    {
        var y = new float[q.Length];
        for (int i = 0; i < q.Length; i++)
        {
            y[i] = Quantizer.Dequantize(q[i], quant);
        }

        return y;
    }
}

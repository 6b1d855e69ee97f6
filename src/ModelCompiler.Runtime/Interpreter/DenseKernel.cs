using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>Fully connected layer, weights [units][inputs], inputs summed in ascending index order.</summary>
internal sealed class DenseKernel : LayerKernel
{
    private readonly DenseLayer layer;
    private readonly int inputs;
    private readonly TensorShape outShape;

    // Int8 layers.
    private readonly Int8Weights? int8Weights;
    private readonly int inputZeroPoint;
    private readonly Int8OutputStage? outputStage;

    // Float-domain layers (float32, dynamic int8, float16).
    private readonly FloatWeights? floatWeights;

    public DenseKernel(DenseLayer layer, TensorInfo input, TensorInfo output)
    {
        this.layer = layer;
        inputs = input.Shape.Length;
        outShape = output.Shape;
        if (layer.Weights is Int8Weights w)
        {
            int8Weights = w;
            var inQuant = input.Quant!.Value;
            inputZeroPoint = inQuant.ZeroPoint;
            outputStage = new Int8OutputStage(inQuant, w.Scales, output.Quant!.Value, layer.Activation);
        }
        else
        {
            floatWeights = FloatWeights.From(layer.Weights);
        }
    }

    public override TensorValue Run(TensorValue input) =>
        int8Weights is not null ? RunInt8(input.Int8Values) : RunFloat(input.FloatValues);

    private TensorValue RunInt8(sbyte[] x)
    {
        var w = int8Weights!;
        var y = new sbyte[layer.Units];
        for (int u = 0; u < layer.Units; u++)
        {
            int acc = w.Bias[u];
            for (int i = 0; i < inputs; i++)
            {
                acc += (x[i] - inputZeroPoint) * w.Values[u * inputs + i];
            }

            y[u] = outputStage!.Requantize(acc, u);
        }

        return TensorValue.OfInt8(outShape, y);
    }

    private TensorValue RunFloat(float[] x)
    {
        var w = floatWeights!;
        var y = new float[layer.Units];
        for (int u = 0; u < layer.Units; u++)
        {
            float acc = w.Bias[u];
            for (int i = 0; i < inputs; i++)
            {
                // Two float32 roundings, never a fused multiply-add: generated code must do the same.
                float product = x[i] * w.Values[u * inputs + i];
                acc = acc + product;
            }

            y[u] = Quantizer.Activate(acc, layer.Activation);
        }

        return TensorValue.OfFloat(outShape, y);
    }
}

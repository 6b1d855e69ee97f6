using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>Fully connected layer, weights [units][inputs], inputs summed in ascending index order.</summary>
internal sealed class DenseKernel : WeightedKernel
{
    private readonly DenseLayer _layer;
    private readonly int _inputs;
    private readonly TensorShape _outShape;

    public DenseKernel(DenseLayer layer, TensorInfo input, TensorInfo output, Rounding rounding)
        : base(layer, input, output, rounding)
    {
        _layer = layer;
        _inputs = input.Shape.Length;
        _outShape = output.Shape;
    }

    protected override TensorValue RunInt8(sbyte[] x)
    {
        var w = Int8Weights!;
        var stage = OutputStage!;
        int zp = InputZeroPoint, zw = w.WeightZeroPoint;
        var y = new sbyte[_layer.Units];
        for (int u = 0; u < _layer.Units; u++)
        {
            int acc = w.Bias[u];
            for (int i = 0; i < _inputs; i++)
            {
                acc += (x[i] - zp) * (w.Values[u * _inputs + i] - zw);
            }

            y[u] = stage.Requantize(acc, u);
        }

        return TensorValue.OfInt8(_outShape, y);
    }

    protected override TensorValue RunFloat(float[] x)
    {
        float[] weights = FloatValues!, bias = FloatBias!;
        var y = new float[_layer.Units];
        for (int u = 0; u < _layer.Units; u++)
        {
            float acc = bias[u];
            for (int i = 0; i < _inputs; i++)
            {
                // Two float32 roundings, never a fused multiply-add: generated code must do the same.
                float product = x[i] * weights[u * _inputs + i];
                acc = acc + product;
            }

            y[u] = Quantizer.Activate(acc, _layer.Activation);
        }

        return TensorValue.OfFloat(_outShape, y);
    }
}

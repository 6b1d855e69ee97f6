using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>Fully connected layer, weights [units][inputs], inputs summed in ascending index order.</summary>
internal sealed class DenseKernel : UnaryKernel
{
    private readonly DenseLayer _layer;
    private readonly int _inputs;
    private readonly TensorShape _outShape;

    // Int8 layers.
    private readonly Int8Weights? _int8Weights;
    private readonly int _inputZeroPoint;
    private readonly Int8OutputStage? _outputStage;

    // Float-domain layers (float32, dynamic int8, float16).
    private readonly float[]? _floatValues;
    private readonly float[]? _floatBias;

    public DenseKernel(DenseLayer layer, TensorInfo input, TensorInfo output)
    {
        _layer = layer;
        _inputs = input.Shape.Length;
        _outShape = output.Shape;
        if (layer.Weights is Int8Weights w)
        {
            _int8Weights = w;
            var inQuant = input.Quant!.Value;
            _inputZeroPoint = inQuant.ZeroPoint;
            _outputStage = new Int8OutputStage(inQuant, w.Scales, output.Quant!.Value, layer.Activation);
        }
        else
        {
            (_floatValues, _floatBias) = FloatWeights.Of(layer.Weights, null);
        }
    }

    public override TensorValue Run(TensorValue input) =>
        _int8Weights is not null ? RunInt8(input.Int8Values) : RunFloat(input.FloatValues);

    private TensorValue RunInt8(sbyte[] x)
    {
        var w = _int8Weights!;
        var y = new sbyte[_layer.Units];
        for (int u = 0; u < _layer.Units; u++)
        {
            int acc = w.Bias[u];
            for (int i = 0; i < _inputs; i++)
            {
                acc += (x[i] - _inputZeroPoint) * w.Values[u * _inputs + i];
            }

            y[u] = _outputStage!.Requantize(acc, u);
        }

        return TensorValue.OfInt8(_outShape, y);
    }

    private TensorValue RunFloat(float[] x)
    {
        float[] weights = _floatValues!, bias = _floatBias!;
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

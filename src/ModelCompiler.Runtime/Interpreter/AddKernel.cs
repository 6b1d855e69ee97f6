using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// Element-wise addition of two tensors of one shape, then the fused activation. Int8: <see cref="Int8Addition"/> (or
/// <see cref="TfliteAddition"/> with the model's TFLite rounding) with each input's own scale and zero point and the layer's output quantization. Float32: one float32 addition per element.
/// </summary>
internal sealed class AddKernel : LayerKernel
{
    private readonly Activation _activation;
    private readonly TensorShape _shape;
    private readonly QuantParams? _first;
    private readonly QuantParams? _second;
    private readonly AdditionMultipliers _multipliers;
    private readonly int _zeroPoint;
    private readonly int _min;
    private readonly int _max;
    private readonly Rounding _rounding;

    public AddKernel(AddLayer layer, TensorInfo first, TensorInfo second, TensorInfo output, Rounding rounding)
    {
        _rounding = rounding;
        _activation = layer.Activation;
        _shape = output.Shape;
        if (output.Quant is { } outQuant)
        {
            _first = first.Quant!.Value;
            _second = second.Quant!.Value;
            _multipliers = Int8Addition.MultipliersFor(_first.Value.Scale, _second.Value.Scale, outQuant.Scale);
            _zeroPoint = outQuant.ZeroPoint;
            (_min, _max) = Quantizer.ActivationRange(layer.Activation, outQuant);
        }
    }

    public override TensorValue Run(ReadOnlySpan<TensorValue> inputs)
    {
        if (_first is { } firstQuant && _second is { } secondQuant)
        {
            sbyte[] a = inputs[0].Int8Values, b = inputs[1].Int8Values;
            var y = new sbyte[a.Length];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (sbyte)RoundingRule.Add(_rounding, a[i], firstQuant.ZeroPoint, b[i], secondQuant.ZeroPoint, _multipliers, _zeroPoint, _min, _max);
            }

            return TensorValue.OfInt8(_shape, y);
        }

        float[] fa = inputs[0].FloatValues, fb = inputs[1].FloatValues;
        var yf = new float[fa.Length];
        for (int i = 0; i < yf.Length; i++)
        {
            yf[i] = Quantizer.Activate(fa[i] + fb[i], _activation);
        }

        return TensorValue.OfFloat(_shape, yf);
    }
}

using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Export;

/// <summary>
/// Turns a network and its per-layer precisions into the Runtime's <see cref="QModel"/>, computing every constant
/// with the same functions the fake-quantized forward pass uses (<see cref="FakeQuantizer"/>), so the file holds
/// exactly the integers the simulation rounded to. Conv weights are OIHW as TorchSharp stores them; Flatten is
/// exported in (c, h, w) order because the network is NCHW; the model takes HWC pixels scaled by 1/255.
/// </summary>
public static class QModelExporter
{
    public static QModel Export(SequentialNetwork network, IReadOnlyList<string> classes, IReadOnlyList<ProvenanceEntry> provenance, string? modelName = null)
    {
        using var _ = no_grad();
        var description = network.Description;
        var layers = new List<Layer>();
        bool int8 = network.FirstComputeIsInt8;
        QuantParams? current = int8 ? SequentialNetwork.PixelInputQuant : null;
        foreach (var (layer, i) in description.Layers.Select((l, i) => (l, i)))
        {
            int k = network.ComputeIndexOf(i);
            string name = layer.Name!;
            switch (layer.Kind)
            {
                case LayerKind.Conv2D:
                case LayerKind.Dense:
                {
                    var precision = network.Precisions[k];
                    if (precision == Precision.Int8 && !int8)
                    {
                        current = network.BoundaryObserver(k).Params;
                        layers.Add(new QuantizeLayer(name + "_quantize", current.Value));
                        int8 = true;
                    }
                    else if (precision != Precision.Int8 && int8)
                    {
                        layers.Add(new DequantizeLayer(name + "_dequantize"));
                        int8 = false;
                        current = null;
                    }

                    var (weight, bias) = network.ComputeModule(k) switch
                    {
                        Conv2d c => (c.weight!, c.bias!),
                        Linear l => (l.weight!, l.bias!),
                        _ => throw new InvalidOperationException("unexpected module"),
                    };
                    QuantParams? outputQuant = precision == Precision.Int8 ? network.OutputObserver(k).Params : null;
                    var weights = Weights(precision, weight, bias, current, network.WeightBits);
                    layers.Add(layer.Kind == LayerKind.Conv2D
                        ? new Conv2DLayer(name, layer.Filters, layer.Kernel, layer.Kernel, layer.EffectiveStride, layer.EffectiveStride,
                            layer.PaddingMode, layer.ActivationFunction, weights, outputQuant)
                        : new DenseLayer(name, layer.Units, layer.ActivationFunction, weights, outputQuant));
                    current = outputQuant;
                    if (network.QuantizesOutputForPool(k))
                    {
                        // A float layer feeding an int8 max pool: its observed output range becomes a quantize layer.
                        current = network.OutputObserver(k).Params;
                        layers.Add(new QuantizeLayer(name + "_quantize", current.Value));
                        int8 = true;
                    }

                    break;
                }

                case LayerKind.MaxPool2D:
                case LayerKind.AvgPool2D:
                    layers.Add(new Pool2DLayer(name, layer.Kind == LayerKind.MaxPool2D, layer.Pool, layer.Pool,
                        layer.EffectiveStride, layer.EffectiveStride, layer.PaddingMode));
                    break;
                case LayerKind.GlobalAvgPool:
                    layers.Add(new GlobalAveragePoolLayer(name));
                    break;
                case LayerKind.Flatten:
                    layers.Add(new FlattenLayer(name, FlattenOrder.Chw));
                    break;
                case LayerKind.Dropout:
                    break;
            }
        }

        layers.Add(new SoftmaxLayer("softmax"));
        var model = new QModel(
            modelName ?? Identifier(description.Name),
            TensorShape.Image(description.InputHeight, description.InputWidth, description.InputChannels),
            InputLayout.Hwc,
            new Preprocessing(1f / 255f, 0f),
            network.FirstComputeIsInt8 ? SequentialNetwork.PixelInputQuant : null,
            classes.ToArray(),
            provenance.ToArray(),
            layers);
        TensorChain.Infer(model);
        return model;
    }

    private static WeightData Weights(Precision precision, Tensor weight, Tensor bias, QuantParams? input, int weightBits)
    {
        float[] floatBias = bias.detach().data<float>().ToArray();
        switch (precision)
        {
            case Precision.Int8:
            {
                var (q, scale) = FakeQuantizer.QuantizeWeights(weight, weightBits);
                var (qb, _) = FakeQuantizer.QuantizeBias(bias, input!.Value.Scale, scale);
                using (q)
                using (scale)
                using (qb)
                {
                    return new Int8Weights(ToSBytes(q), scale.data<float>().ToArray(), qb.data<double>().Select(v => (int)v).ToArray(), weightBits);
                }
            }

            case Precision.DynamicInt8:
            {
                var (q, scale) = FakeQuantizer.QuantizeWeights(weight);
                using (q)
                using (scale)
                {
                    return new DynamicInt8Weights(ToSBytes(q), scale.data<float>().ToArray(), floatBias);
                }
            }

            case Precision.Float16:
                return new Float16Weights(weight.detach().contiguous().data<float>().Select(HalfConversion.FromSingle).ToArray(), floatBias);
            default:
                return new Float32Weights(weight.detach().contiguous().data<float>().ToArray(), floatBias);
        }
    }

    private static sbyte[] ToSBytes(Tensor q) => q.contiguous().data<float>().Select(v => (sbyte)v).ToArray();

    /// <summary>fashion_cnn / intel-cnn to FashionCnn / IntelCnn (the generated class is named after it).</summary>
    public static string Identifier(string name)
    {
        var parts = name.Split(['_', '-', ' ', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => new string(p.Where(char.IsLetterOrDigit).ToArray()))
            .Where(p => p.Length > 0)
            .Select(p => char.ToUpperInvariant(p[0]) + p[1..]);
        string id = string.Concat(parts);
        return id.Length == 0 ? "Model" : char.IsDigit(id[0]) ? "Model" + id : id;
    }
}

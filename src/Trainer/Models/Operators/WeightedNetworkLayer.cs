using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Quantization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A layer with weights (conv2d, dense) in a network: run as plain float, or as the graph the Runtime computes for its
/// precision. Int8 layers see fake-quantized inputs, weights (per-channel) and bias (int32 at s_in * s_w), then the
/// activation, then their output observer, so the layers after them act on the quantized values exactly as the int8
/// kernels do; where an int8 layer follows a float tensor its boundary observer plays the exported quantize layer.
/// The export computes every constant with the same <see cref="FakeQuantizer"/> functions, so the file holds exactly
/// the integers the simulation rounded to. What differs between kinds is the module, its operation and its record.
/// </summary>
internal abstract class WeightedNetworkLayer : UnaryNetworkLayer
{
    private readonly Activation _activation;

    /// <summary>Initialises <paramref name="weight"/> and <paramref name="bias"/> like Keras, then creates the observers.</summary>
    protected WeightedNetworkLayer(LayerSpec spec, nn.Module<Tensor, Tensor> module, Tensor weight, Tensor bias)
        : base(spec)
    {
        Module = module;
        InitializeLikeKeras(weight, bias);
        Output = new ActivationObserver(spec.Name + "_out");
        Boundary = new ActivationObserver(spec.Name + "_in");
        _activation = spec.ActivationFunction;
    }

    /// <summary>Position among the network's layers with weights (its precision, its module in the saved state).</summary>
    public int Index { get; set; }

    public nn.Module<Tensor, Tensor> Module { get; }

    public ActivationObserver Output { get; }

    public ActivationObserver Boundary { get; }

    /// <summary>The module's weight and bias as they are now (loading a saved model replaces their values).</summary>
    protected abstract (Tensor Weight, Tensor Bias) Parameters { get; }

    /// <summary>Copies float32 weights and bias in, shaped as the module holds them.</summary>
    public void Load(float[] weights, float[] bias)
    {
        var (weight, b) = Parameters;
        using var _ = no_grad();
        using var w = tensor(weights, weight.shape);
        using var bt = tensor(bias);
        weight.copy_(w);
        b.copy_(bt);
    }

    /// <summary>The layer's operation with the given (possibly fake-quantized) weight and bias, before the activation.</summary>
    protected abstract Tensor Apply(Tensor x, Tensor weight, Tensor bias);

    /// <summary>The exported layer with these constants.</summary>
    protected abstract Layer ToQModel(WeightData weights, QuantParams? outputQuant);

    protected override NetworkTensor Forward(NetworkTensor input, ForwardPass pass)
    {
        var network = pass.Network;
        var (weight, bias) = Parameters;
        var (x, current) = input;
        var precision = pass.Quantizing ? network.Precisions[Index] : Precision.Float32;
        Tensor w = weight, b = bias;
        switch (precision)
        {
            case Precision.Int8:
                if (current is null)
                {
                    x = Boundary.forward(x);
                    current = Boundary.Params;
                }

                var (_, scale) = FakeQuantizer.QuantizeWeights(weight, network.WeightBits);
                w = FakeQuantizer.Weights(weight, network.WeightBits);
                b = FakeQuantizer.Bias(bias, current.Value.Scale, scale);
                break;
            case Precision.DynamicInt8:
                w = FakeQuantizer.Weights(weight);
                break;
            case Precision.Float16:
                w = FakeQuantizer.Float16(weight);
                break;
        }

        var y = Apply(x, w, b);
        y = _activation switch
        {
            Activation.Relu => F.relu(y),
            Activation.Relu6 => F.relu6(y),
            _ => y,
        };

        if (network.Calibrating && (network.Precisions[Index] == Precision.Int8 || network.QuantizesOutputForPool(Index)))
        {
            if (network.NeedsBoundary(Index))
            {
                Boundary.forward(x);
            }

            return new NetworkTensor(Output.forward(y), current);
        }

        // A float layer feeding an int8 max pool quantizes its output too (SequentialNetwork.SelectQuantizedPools).
        return precision == Precision.Int8 || (pass.Quantizing && network.QuantizesOutputForPool(Index))
            ? new NetworkTensor(Output.forward(y), Output.Params)
            : new NetworkTensor(y, null);
    }

    protected override QuantParams? Export(QuantParams? input, ExportPass pass)
    {
        var precision = pass.Network.Precisions[Index];
        if (precision == Precision.Int8 && input is null)
        {
            input = Boundary.Params;
            pass.Layers.Add(new QuantizeLayer(Name + "_quantize", input.Value));
        }
        else if (precision != Precision.Int8 && input is not null)
        {
            pass.Layers.Add(new DequantizeLayer(Name + "_dequantize"));
            input = null;
        }

        var (weight, bias) = Parameters;
        QuantParams? outputQuant = precision == Precision.Int8 ? Output.Params : null;
        pass.Layers.Add(ToQModel(Constants(precision, weight, bias, input, pass.Network.WeightBits), outputQuant));
        if (pass.Network.QuantizesOutputForPool(Index))
        {
            // The observed range of the float output becomes a quantize layer before the int8 max pool.
            outputQuant = Output.Params;
            pass.Layers.Add(new QuantizeLayer(Name + "_quantize", outputQuant.Value));
        }

        return outputQuant;
    }

    /// <summary>
    /// Keras' defaults (glorot_uniform kernels, zero biases), as the seed's model is a Keras model; PyTorch's
    /// default (kaiming_uniform with a = sqrt(5)) trains this CNN about a point slower in the first epochs.
    /// </summary>
    private static void InitializeLikeKeras(Tensor weight, Tensor bias)
    {
        using var _ = no_grad();
        nn.init.xavier_uniform_(weight);
        nn.init.zeros_(bias);
    }

    private static WeightData Constants(Precision precision, Tensor weight, Tensor bias, QuantParams? input, int weightBits)
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
}

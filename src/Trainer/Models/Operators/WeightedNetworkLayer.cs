using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A layer with weights (conv2d, dense) in a network: run as plain float, or as the graph the Runtime computes for its
/// precision. Int8 layers see fake-quantized inputs, weights (per-channel) and bias (int32 at s_in * s_w), then the
/// activation, then their output observer, so the layers after them act on the quantized values exactly as the int8
/// kernels do; where an int8 layer follows a float tensor its boundary observer plays the exported quantize layer.
/// The export computes every constant with the same <see cref="FakeQuantizer"/> functions, so the file holds exactly
/// the integers the simulation rounded to. What differs between kinds is the module, its operation and its record.
/// A convolution may carry a batch normalization (<see cref="Norm"/>): float training runs it as such; the export and
/// every quantized evaluation fold it into the weights and bias (<see cref="BatchNormFolding"/>); quantization-aware
/// training fake-quantizes the folded weights and, until the network freezes the statistics
/// (<see cref="GraphNetwork.BatchNormFrozen"/>), normalizes with the batch's statistics as PyTorch's ConvBn does.
/// </summary>
internal abstract class WeightedNetworkLayer : UnaryNetworkLayer
{
    private readonly Activation _activation;

    /// <summary>Initialises <paramref name="weight"/> and <paramref name="bias"/> like Keras, then creates the observers.</summary>
    protected WeightedNetworkLayer(LayerSpec spec, nn.Module<Tensor, Tensor> module, Tensor weight, Tensor bias, BatchNorm2d? norm = null)
        : base(spec)
    {
        Module = module;
        Norm = norm;
        InitializeLikeKeras(weight, bias);
        Output = new ActivationObserver(spec.Name + "_out");
        Boundary = new ActivationObserver(spec.Name + "_in");
        _activation = spec.ActivationFunction;
    }

    /// <summary>Position among the network's layers with weights (its precision, its module in the saved state).</summary>
    public int Index { get; set; }

    public nn.Module<Tensor, Tensor> Module { get; }

    /// <summary>The batch normalization between the operation and the activation, or null.</summary>
    public BatchNorm2d? Norm { get; }

    public ActivationObserver Output { get; }

    public ActivationObserver Boundary { get; }

    /// <summary>The module's weight and bias as they are now (loading a saved model replaces their values).</summary>
    protected abstract (Tensor Weight, Tensor Bias) Parameters { get; }

    /// <summary>The weight and bias the exported layer computes with: with a batch normalization, folded into them.</summary>
    private (Tensor Weight, Tensor Bias) Effective
    {
        get
        {
            var (weight, bias) = Parameters;
            return Norm is null ? (weight, bias) : BatchNormFolding.Fold(weight, bias, Norm);
        }
    }

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

    /// <summary>The exported layer with these constants, reading the tensor named <paramref name="input"/>.</summary>
    protected abstract Layer ToQModel(WeightData weights, QuantParams? outputQuant, string input);

    protected override NetworkTensor Forward(NetworkTensor input, ForwardPass pass)
    {
        var network = pass.Network;
        var (x, current) = input;
        var precision = pass.Quantizing ? network.Precisions[Index] : Precision.Float32;
        if (precision == Precision.Int8 && current is null)
        {
            x = Boundary.forward(x);
            current = Boundary.Params;
        }

        var y = precision switch
        {
            Precision.Float32 => Unfolded(x),
            Precision.Int8 when Norm is not null && pass.Training && !network.BatchNormFrozen => ApplyWithBatchStatistics(x, network.WeightBits),
            _ => ApplyAs(precision, x, current, network.WeightBits),
        };
        y = FusedActivation.Apply(y, _activation);

        if (network.Calibrating && (network.Precisions[Index] == Precision.Int8 || network.QuantizesOutputForPool(Index)))
        {
            if (network.NeedsBoundary(Index))
            {
                Boundary.forward(x);
            }

            return new NetworkTensor(Output.forward(y), current);
        }

        // A float layer feeding an int8 max pool quantizes its output too (GraphNetwork.SelectQuantizedPools).
        return precision == Precision.Int8 || (pass.Quantizing && network.QuantizesOutputForPool(Index))
            ? new NetworkTensor(Output.forward(y), Output.Params)
            : new NetworkTensor(y, null);
    }

    public override bool ProducesInt8(IReadOnlyList<bool> inputsInt8, GraphNetwork network) =>
        network.Precisions[Index] == Precision.Int8 || network.QuantizesOutputForPool(Index);

    /// <summary>
    /// The operation as the exported layer of <paramref name="precision"/> computes it, with the folded weight and bias:
    /// int8 fake-quantizes the weight per channel and the bias as int32 at s_in * s_w (<paramref name="input"/>'s scale).
    /// </summary>
    private Tensor ApplyAs(Precision precision, Tensor x, QuantParams? input, int weightBits)
    {
        var (weight, bias) = Effective;
        switch (precision)
        {
            case Precision.Int8:
                var (_, scale) = FakeQuantizer.QuantizeWeights(weight, weightBits);
                return Apply(x, FakeQuantizer.Weights(weight, weightBits), FakeQuantizer.Bias(bias, input!.Value.Scale, scale));
            case Precision.DynamicInt8:
                return Apply(x, FakeQuantizer.Weights(weight), bias);
            case Precision.Float16:
                return Apply(x, FakeQuantizer.Float16(weight), bias);
            default:
                return Apply(x, weight, bias);
        }
    }

    /// <summary>The float layer: the operation, then the batch normalization (batch statistics in training mode).</summary>
    private Tensor Unfolded(Tensor x)
    {
        var (weight, bias) = Parameters;
        var y = Apply(x, weight, bias);
        return Norm is null ? y : Norm.forward(y);
    }

    /// <summary>
    /// Quantization-aware training before the statistics freeze (PyTorch's <c>ConvBn2d</c>, its "approximate" form, and
    /// Jacob et al. 2018, fig. C.8): the operation runs with the fake-quantized folded weight W * f (f from the running
    /// variance), its output is divided by f again and normalized with the batch's own statistics, which also updates
    /// the running ones. Once frozen, or in evaluation, the layer computes exactly the folded, exported arithmetic.
    /// </summary>
    private Tensor ApplyWithBatchStatistics(Tensor x, int weightBits)
    {
        var norm = Norm!;
        var (weight, bias) = Parameters;
        var factor = BatchNormFolding.Factor(norm);
        var scaled = FakeQuantizer.Weights(weight * BatchNormFolding.PerOutputChannel(factor, weight), weightBits);
        var perChannel = new long[] { 1, factor.shape[0], 1, 1 };
        var y = (Apply(x, scaled, zeros_like(bias)) / factor.reshape(perChannel)) + bias.reshape(perChannel);
        return norm.forward(y);
    }

    protected override ExportedTensor Export(ExportedTensor input, ExportPass pass)
    {
        var precision = pass.Network.Precisions[Index];
        if (precision == Precision.Int8 && input.Quant is null)
        {
            input = pass.Append(new QuantizeLayer(Name + "_quantize", Boundary.Params) { Inputs = [input.Name] }, Boundary.Params);
        }
        else if (precision != Precision.Int8 && input.Quant is not null)
        {
            input = pass.Append(new DequantizeLayer(Name + "_dequantize") { Inputs = [input.Name] }, null);
        }

        var (weight, bias) = Effective;
        QuantParams? outputQuant = precision == Precision.Int8 ? Output.Params : null;
        var output = pass.Append(ToQModel(Constants(precision, weight, bias, input.Quant, pass.Network.WeightBits), outputQuant, input.Name), outputQuant);
        if (pass.Network.QuantizesOutputForPool(Index))
        {
            // The observed range of the float output becomes a quantize layer before the int8 max pool.
            output = pass.Append(new QuantizeLayer(Name + "_quantize", Output.Params) { Inputs = [output.Name] }, Output.Params);
        }

        return output;
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

using ModelCompiler.Format;
using Padding = ModelCompiler.Format.Padding;
using ModelCompiler.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A TorchSharp network (NCHW) built from a <see cref="ModelDescription"/>, able to run as plain float, or as the
/// graph the Runtime computes for given per-layer precisions: int8 layers see fake-quantized inputs, weights
/// (per-channel) and bias (int32 at s_in * s_w), then ReLU, then their output observer, so pooling and flattening act
/// on the quantized values exactly as the int8 kernels do. Float regions stay float; where an int8 layer follows a
/// float tensor a boundary observer plays the exported quantize layer. A max pool can run in int8 between float layers
/// (<see cref="SelectQuantizedPools"/>, what TFMOT's <c>quantize_annotate_layer(MaxPooling2D)</c> does): the float
/// layer before it gets its output observer (TFMOT's output-only quantization of a layer feeding an annotated one),
/// and the pool then acts on quantized values, exported as quantize, int8 max pool, dequantize.
/// </summary>
public sealed class SequentialNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Quantization of pixel / 255 inputs: q = pixel - 128 exactly.</summary>
    public static readonly QuantParams PixelInputQuant = new(1f / 255f, -128);

    private readonly ModuleList<nn.Module<Tensor, Tensor>> compute = new();
    private readonly ModuleList<ActivationObserver> outputs = new();
    private readonly ModuleList<ActivationObserver> boundaries = new();
    private readonly int[] computeIndex;
    private bool[] poolInputQuantized;
    private string[] quantizedPools = [];

    public SequentialNetwork(ModelDescription description) : base(description.Name)
    {
        Description = description;
        var shapes = ShapeWalk.Shapes(description);
        computeIndex = new int[description.Layers.Length];
        int k = 0;
        for (int i = 0; i < description.Layers.Length; i++)
        {
            var layer = description.Layers[i];
            computeIndex[i] = -1;
            if (!layer.IsCompute)
            {
                continue;
            }

            computeIndex[i] = k++;
            nn.Module<Tensor, Tensor> module;
            if (layer.Kind == LayerKind.Conv2D)
            {
                var conv = nn.Conv2d(shapes[i].Channels, layer.Filters, layer.Kernel, layer.EffectiveStride);
                InitializeLikeKeras(conv.weight!, conv.bias!);
                module = conv;
            }
            else
            {
                var dense = nn.Linear(shapes[i].Length, layer.Units);
                InitializeLikeKeras(dense.weight!, dense.bias!);
                module = dense;
            }

            compute.Add(module);
            outputs.Add(new ActivationObserver(layer.Name + "_out"));
            boundaries.Add(new ActivationObserver(layer.Name + "_in"));
        }

        Precisions = Enumerable.Repeat(Precision.Float32, k).ToArray();
        poolInputQuantized = new bool[k];
        RegisterComponents();
    }

    public ModelDescription Description { get; }

    /// <summary>Precision of each conv/dense layer in order; all Float32 means plain float training.</summary>
    public Precision[] Precisions { get; private set; }

    /// <summary>
    /// Width of the weights of int8 layers, 8 or 7 (<c>weight_bits 7</c>: [-63, 63], so the generator's u8 x s8 kernel
    /// cannot saturate). The fake quantizer and the exporter both use it, so the file holds what training simulated.
    /// Dynamic-range layers keep 8 bits: they compute in float, where the restriction buys nothing.
    /// </summary>
    public int WeightBits
    {
        get => weightBits;
        set => weightBits = value is Int8Weights.FullBits or Int8Weights.ReducedBits
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "int8 weights have 8 or 7 bits");
    }

    private int weightBits = Int8Weights.FullBits;

    /// <summary>True while observers record ranges instead of quantizing (post-training calibration).</summary>
    public bool Calibrating { get; private set; }

    public IReadOnlyList<LayerSpec> ComputeLayers => Description.Layers.Where(l => l.IsCompute).ToList();

    public nn.Module<Tensor, Tensor> ComputeModule(int k) => compute[k];

    public ActivationObserver OutputObserver(int k) => outputs[k];

    public ActivationObserver BoundaryObserver(int k) => boundaries[k];

    /// <summary>Index among the conv/dense layers of description layer <paramref name="layer"/>, or -1.</summary>
    public int ComputeIndexOf(int layer) => computeIndex[layer];

    public bool FirstComputeIsInt8 => Precisions.Length > 0 && Precisions[0] == Precision.Int8;

    /// <summary>Max pools that run in int8 although the layer before them is float (see the class remarks).</summary>
    public IReadOnlyList<string> QuantizedPools => quantizedPools;

    /// <summary>
    /// Chooses the max pools (by name) that run in int8 when the layer feeding them stays float; takes effect with the
    /// next <see cref="Configure"/>. A pool must follow a conv2d or dense layer directly (dropout in between is fine).
    /// </summary>
    public void SelectQuantizedPools(IReadOnlyCollection<string> names)
    {
        var inputs = new bool[compute.Count];
        foreach (string name in names)
        {
            int i = Array.FindIndex(Description.Layers, l => l.Name == name && l.Kind == LayerKind.MaxPool2D);
            if (i < 0)
            {
                throw new ModelDescriptionException($"no maxpool2d layer is named '{name}'");
            }

            int producer = i - 1;
            while (producer >= 0 && Description.Layers[producer].Kind == LayerKind.Dropout)
            {
                producer--;
            }

            if (producer < 0 || computeIndex[producer] < 0)
            {
                throw new ModelDescriptionException($"max pool '{name}' can run in int8 only right after a conv2d or dense layer");
            }

            inputs[computeIndex[producer]] = true;
        }

        poolInputQuantized = inputs;
        quantizedPools = [.. names];
    }

    /// <summary>True when float layer <paramref name="k"/> quantizes its output for an int8 max pool after it.</summary>
    public bool QuantizesOutputForPool(int k) => poolInputQuantized[k] && Precisions[k] != Precision.Int8;

    /// <summary>Sets the per-layer precisions and switches observers of int8 layers on (others off).</summary>
    public void Configure(Precision[] precisions, bool calibrating = false, double? percentile = null)
    {
        if (precisions.Length != compute.Count)
        {
            throw new ArgumentException($"expected {compute.Count} precisions, got {precisions.Length}");
        }

        Precisions = [.. precisions];
        Calibrating = calibrating;
        var mode = calibrating ? ObserverMode.Calibrate : ObserverMode.FakeQuantize;
        for (int k = 0; k < compute.Count; k++)
        {
            bool int8 = precisions[k] == Precision.Int8;
            outputs[k].Mode = int8 || QuantizesOutputForPool(k) ? mode : ObserverMode.Off;
            outputs[k].Percentile = percentile;
            boundaries[k].Mode = int8 && NeedsBoundary(k) ? mode : ObserverMode.Off;
            boundaries[k].Percentile = percentile;
        }
    }

    /// <summary>True when conv/dense layer <paramref name="k"/> is int8 and receives a float tensor (a quantize layer goes before it).</summary>
    public bool NeedsBoundary(int k) => Precisions[k] == Precision.Int8 && k > 0 && Precisions[k - 1] != Precision.Int8 && !QuantizesOutputForPool(k - 1);

    public override Tensor forward(Tensor input)
    {
        var x = input;
        bool quantizing = !Calibrating && (Precisions.Any(p => p != Precision.Float32) || poolInputQuantized.Any(q => q));
        QuantParams? current = null;
        if (quantizing && FirstComputeIsInt8)
        {
            x = FakeQuantizer.Activation(x, PixelInputQuant);
            current = PixelInputQuant;
        }

        for (int i = 0; i < Description.Layers.Length; i++)
        {
            var layer = Description.Layers[i];
            int k = computeIndex[i];
            if (k >= 0)
            {
                x = Compute(layer, k, x, quantizing, ref current);
                continue;
            }

            switch (layer.Kind)
            {
                case LayerKind.MaxPool2D:
                    x = F.max_pool2d(PadSame(x, layer, layer.Pool, double.NegativeInfinity), layer.Pool, layer.EffectiveStride);
                    break;
                case LayerKind.AvgPool2D:
                    x = Requantize(F.avg_pool2d(x, layer.Pool, layer.EffectiveStride), current);
                    break;
                case LayerKind.GlobalAvgPool:
                    x = Requantize(x.mean([2L, 3L]), current);
                    break;
                case LayerKind.Flatten:
                    // NCHW flattens in (c, h, w) order: exported as FlattenOrder.Chw.
                    x = x.flatten(1);
                    break;
                case LayerKind.Dropout:
                    x = F.dropout(x, layer.Rate, training);
                    break;
            }
        }

        return x;
    }

    private Tensor Compute(LayerSpec layer, int k, Tensor x, bool quantizing, ref QuantParams? current)
    {
        var module = compute[k];
        var (weight, bias) = module switch
        {
            Conv2d c => (c.weight!, c.bias!),
            Linear l => (l.weight!, l.bias!),
            _ => throw new InvalidOperationException("unexpected module"),
        };
        var precision = quantizing ? Precisions[k] : Precision.Float32;
        Tensor w = weight, b = bias;
        switch (precision)
        {
            case Precision.Int8:
                if (current is null)
                {
                    x = boundaries[k].forward(x);
                    current = boundaries[k].Params;
                }

                var (_, scale) = FakeQuantizer.QuantizeWeights(weight, WeightBits);
                w = FakeQuantizer.Weights(weight, WeightBits);
                b = FakeQuantizer.Bias(bias, current.Value.Scale, scale);
                break;
            case Precision.DynamicInt8:
                w = FakeQuantizer.Weights(weight);
                break;
            case Precision.Float16:
                w = FakeQuantizer.Float16(weight);
                break;
        }

        var y = layer.Kind == LayerKind.Conv2D
            ? F.conv2d(PadSame(x, layer, layer.Kernel, 0), w, b, strides: [layer.EffectiveStride, layer.EffectiveStride])
            : F.linear(x, w, b);
        y = layer.ActivationFunction switch
        {
            Activation.Relu => F.relu(y),
            Activation.Relu6 => F.relu6(y),
            _ => y,
        };

        if (Calibrating && (Precisions[k] == Precision.Int8 || QuantizesOutputForPool(k)))
        {
            if (NeedsBoundary(k))
            {
                boundaries[k].forward(x);
            }

            return outputs[k].forward(y);
        }

        if (precision == Precision.Int8 || (quantizing && QuantizesOutputForPool(k)))
        {
            y = outputs[k].forward(y);
            current = outputs[k].Params;
        }
        else
        {
            current = null;
        }

        return y;
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

    private static Tensor Requantize(Tensor x, QuantParams? current) =>
        current is { } q ? FakeQuantizer.Activation(x, q) : x;

    /// <summary>TensorFlow 'same' padding (extra row/column after), with <paramref name="value"/> in the padded cells.</summary>
    private static Tensor PadSame(Tensor x, LayerSpec layer, int window, double value)
    {
        if (layer.PaddingMode == Padding.Valid)
        {
            return x;
        }

        int h = (int)x.shape[2], w = (int)x.shape[3], s = layer.EffectiveStride;
        int top = TensorChain.PaddingBefore(h, window, s, Padding.Same);
        int left = TensorChain.PaddingBefore(w, window, s, Padding.Same);
        int bottom = Math.Max((TensorChain.OutputSize(h, window, s, Padding.Same) - 1) * s + window - h, 0) - top;
        int right = Math.Max((TensorChain.OutputSize(w, window, s, Padding.Same) - 1) * s + window - w, 0) - left;
        return F.pad(x, [left, right, top, bottom], PaddingModes.Constant, value);
    }
}

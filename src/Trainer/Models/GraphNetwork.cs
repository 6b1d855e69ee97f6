using ModelCompiler.Format;
using ModelCompiler.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// A TorchSharp network (NCHW) built from a <see cref="ModelDescription"/>, a chain or a graph (each layer reads the
/// tensors its description names, <see cref="DescriptionGraph"/>), able to run as plain float, or as the
/// graph the Runtime computes for given per-layer precisions (each layer kind's part is its <see cref="TrainingOperator"/>:
/// int8 layers see fake-quantized inputs, weights and bias, pooling and flattening act on the quantized values exactly
/// as the int8 kernels do, float regions stay float, and where an int8 layer follows a float tensor a boundary observer
/// plays the exported quantize layer). A max pool can run in int8 between float layers (<see cref="SelectQuantizedPools"/>,
/// what TFMOT's <c>quantize_annotate_layer(MaxPooling2D)</c> does): the layer with weights before it gets its output
/// observer (TFMOT's output-only quantization of a layer feeding an annotated one), and the pool then acts on quantized
/// values, exported as quantize, int8 max pool, dequantize.
/// </summary>
public sealed class GraphNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Quantization of pixel / 255 inputs: q = pixel - 128 exactly.</summary>
    public static readonly QuantParams PixelInputQuant = new(1f / 255f, -128);

    // Registered under these names, which are the keys of saved models (compute.0.weight, outputs.0.min, ...).
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _compute = new();
    private readonly ModuleList<ActivationObserver> _outputs = new();
    private readonly ModuleList<ActivationObserver> _boundaries = new();
    // Registered only by models that have them, so that the keys of chain models without them stay as they were.
    private readonly ModuleList<BatchNorm2d> _norms = new();
    private readonly ModuleList<ActivationObserver> _sums = new();
    private readonly Tensor? _batchNormSteps;
    private readonly NetworkLayer[] _layers;
    private readonly WeightedNetworkLayer[] _weighted;
    private int _weightBits = Int8Weights.FullBits;
    private bool[] _poolInputQuantized;
    private string[] _quantizedPools = [];
    private bool[] _int8Tensors;

    public GraphNetwork(ModelDescription description) : base(description.Name)
    {
        Description = description;
        var shapes = ShapeWalk.Shapes(description);
        var inputs = DescriptionGraph.Inputs(description.Layers, description.Name);
        _layers = new NetworkLayer[description.Layers.Length];
        var weighted = new List<WeightedNetworkLayer>();
        for (int i = 0; i < _layers.Length; i++)
        {
            var spec = description.Layers[i];
            _layers[i] = TrainingCatalog.Of(spec.Kind).Build(spec, shapes[inputs[i][0]]);
            _layers[i].InputTensors = inputs[i];
            if (_layers[i] is WeightedNetworkLayer layer)
            {
                layer.Index = weighted.Count;
                weighted.Add(layer);
                _compute.Add(layer.Module);
                _outputs.Add(layer.Output);
                _boundaries.Add(layer.Boundary);
                if (layer.Norm is { } norm)
                {
                    _norms.Add(norm);
                }
            }

            foreach (var observer in _layers[i].ExtraObservers)
            {
                _sums.Add(observer);
            }
        }

        _weighted = [.. weighted];
        Precisions = Enumerable.Repeat(Precision.Float32, _weighted.Length).ToArray();
        _poolInputQuantized = new bool[_weighted.Length];
        _int8Tensors = new bool[_layers.Length + 1];
        register_module("compute", _compute);
        register_module("outputs", _outputs);
        register_module("boundaries", _boundaries);
        if (_norms.Count > 0)
        {
            register_module("norms", _norms);
            _batchNormSteps = zeros(1);
            register_buffer("batch_norm_steps", _batchNormSteps);
        }

        if (_sums.Count > 0)
        {
            register_module("sums", _sums);
        }
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
        get => _weightBits;
        set => _weightBits = value is Int8Weights.FullBits or Int8Weights.ReducedBits
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "int8 weights have 8 or 7 bits");
    }

    /// <summary>
    /// Quantization-aware training steps after which batch normalizations stop using batch statistics and updating
    /// their running ones (then training computes exactly the folded arithmetic it exports); null: never.
    /// </summary>
    public int? BatchNormFreezeSteps { get; set; }

    /// <summary>
    /// What <c>qat</c> uses unless told: 200 steps (3,200 images at batch 16) of batch statistics let the fake-quantized
    /// folded weights settle, then the frozen statistics make training compute what is exported (PyTorch's QAT
    /// tutorial freezes after a few epochs of a longer fine-tuning; TF-MOT does not freeze by default).
    /// </summary>
    public const int DefaultBatchNormFreezeSteps = 200;

    /// <summary>True when some layer carries a batch normalization.</summary>
    public bool HasBatchNorm => _batchNormSteps is not null;

    /// <summary>Quantization-aware training steps taken so far (a saved buffer, so a resumed run continues the count).</summary>
    public long BatchNormSteps => _batchNormSteps is null ? 0 : (long)_batchNormSteps.item<float>();

    /// <summary>True once <see cref="BatchNormFreezeSteps"/> quantization-aware steps have run.</summary>
    public bool BatchNormFrozen => BatchNormFreezeSteps is { } n && BatchNormSteps >= n;

    /// <summary>True while observers record ranges instead of quantizing (post-training calibration).</summary>
    public bool Calibrating { get; private set; }

    public ActivationObserver OutputObserver(int k) => _weighted[k].Output;

    public ActivationObserver BoundaryObserver(int k) => _weighted[k].Boundary;

    /// <summary>Every activation observer: each conv/dense layer's output and boundary, and each addition's output.</summary>
    public IEnumerable<ActivationObserver> Observers => _weighted.SelectMany(w => new[] { w.Output, w.Boundary }).Concat(_sums);

    public bool FirstComputeIsInt8 => Precisions.Length > 0 && Precisions[0] == Precision.Int8;

    /// <summary>The description's layers at work, in order.</summary>
    internal IReadOnlyList<NetworkLayer> Layers => _layers;

    /// <summary>Max pools that run in int8 although the layer before them is float (see the class remarks).</summary>
    public IReadOnlyList<string> QuantizedPools => _quantizedPools;

    /// <summary>
    /// Chooses the max pools (by name) that run in int8 when the layer feeding them stays float; takes effect with the
    /// next <see cref="Configure"/>. A pool must follow a conv2d or dense layer directly (dropout in between is fine).
    /// </summary>
    public void SelectQuantizedPools(IReadOnlyCollection<string> names)
    {
        var inputs = new bool[_weighted.Length];
        foreach (string name in names)
        {
            int i = Array.FindIndex(_layers, l => l.Name == name && l.Spec.Kind == LayerKind.MaxPool2D);
            if (i < 0)
            {
                throw new ModelDescriptionException($"no maxpool2d layer is named '{name}'");
            }

            int producer = ProducerOf(i);
            while (producer >= 0 && _layers[producer].Spec.Kind == LayerKind.Dropout)
            {
                producer = ProducerOf(producer);
            }

            if (producer < 0 || _layers[producer] is not WeightedNetworkLayer weighted)
            {
                throw new ModelDescriptionException($"max pool '{name}' can run in int8 only right after a conv2d or dense layer");
            }

            inputs[weighted.Index] = true;
        }

        _poolInputQuantized = inputs;
        _quantizedPools = [.. names];
    }

    /// <summary>True when float layer <paramref name="k"/> quantizes its output for an int8 max pool after it.</summary>
    public bool QuantizesOutputForPool(int k) => _poolInputQuantized[k] && Precisions[k] != Precision.Int8;

    /// <summary>Sets the per-layer precisions and switches observers of int8 layers on (others off).</summary>
    public void Configure(Precision[] precisions, bool calibrating = false, double? percentile = null)
    {
        if (precisions.Length != _weighted.Length)
        {
            throw new ArgumentException($"expected {_weighted.Length} precisions, got {precisions.Length}");
        }

        Precisions = [.. precisions];
        Calibrating = calibrating;
        var mode = calibrating ? ObserverMode.Calibrate : ObserverMode.FakeQuantize;
        for (int k = 0; k < _weighted.Length; k++)
        {
            bool int8 = precisions[k] == Precision.Int8;
            _weighted[k].Output.Mode = int8 || QuantizesOutputForPool(k) ? mode : ObserverMode.Off;
            _weighted[k].Output.Percentile = percentile;
            _weighted[k].Boundary.Percentile = percentile;
        }

        _int8Tensors = new bool[_layers.Length + 1];
        _int8Tensors[0] = FirstComputeIsInt8;
        for (int i = 0; i < _layers.Length; i++)
        {
            _int8Tensors[i + 1] = _layers[i].ProducesInt8(_layers[i].InputTensors.Select(t => _int8Tensors[t]).ToArray(), this);
        }

        for (int k = 0; k < _weighted.Length; k++)
        {
            _weighted[k].Boundary.Mode = NeedsBoundary(k) ? mode : ObserverMode.Off;
        }

        foreach (var layer in _layers)
        {
            foreach (var observer in layer.ExtraObservers)
            {
                observer.Mode = IsInt8(layer) ? mode : ObserverMode.Off;
                observer.Percentile = percentile;
            }
        }
    }

    /// <summary>True when conv/dense layer <paramref name="k"/> is int8 and receives a float tensor (a quantize layer goes before it).</summary>
    public bool NeedsBoundary(int k) => Precisions[k] == Precision.Int8 && !_int8Tensors[_weighted[k].InputTensors[0]];

    /// <summary>True when <paramref name="layer"/>'s output is int8 with the configured precisions (as exported).</summary>
    internal bool IsInt8(NetworkLayer layer) => _int8Tensors[Array.IndexOf(_layers, layer) + 1];

    /// <summary>The layer producing layer <paramref name="i"/>'s (first) input, or -1 for the model input.</summary>
    private int ProducerOf(int i) => _layers[i].InputTensors[0] - 1;

    /// <summary>Copies float32 weights and bias into conv/dense layer <paramref name="k"/> (shaped as its module holds them).</summary>
    public void LoadWeights(int k, float[] weights, float[] bias) => _weighted[k].Load(weights, bias);

    public override Tensor forward(Tensor input)
    {
        bool quantizing = !Calibrating && (Precisions.Any(p => p != Precision.Float32) || _poolInputQuantized.Any(q => q));
        var pass = new ForwardPass(this, quantizing, training);
        input = ChannelsLast(input);
        var tensors = new NetworkTensor[_layers.Length + 1];
        tensors[0] = quantizing && FirstComputeIsInt8
            ? new NetworkTensor(FakeQuantizer.Activation(input, PixelInputQuant), PixelInputQuant)
            : new NetworkTensor(input, null);
        for (int i = 0; i < _layers.Length; i++)
        {
            tensors[i + 1] = _layers[i].Forward(_layers[i].InputTensors.Select(t => tensors[t]).ToArray(), pass);
        }

        if (quantizing && training && _batchNormSteps is not null)
        {
            using var _ = no_grad();
            _batchNormSteps.add_(1f);
        }

        return tensors[^1].Value;
    }

    /// <summary>
    /// The same NCHW batch stored channels-last (NHWC strides; TorchSharp has no memory_format argument, so a permuted
    /// copy viewed back as NCHW). Convolutions, batch normalizations and element-wise operations then keep that layout
    /// and oneDNN runs them without reordering each tensor to and from its blocked format: depthwise convolutions and
    /// their gradients above all (scripts/train-speed.sh, docs/trainer.md). Shapes and values are unchanged; only the
    /// order of additions inside a convolution may differ.
    /// </summary>
    private static Tensor ChannelsLast(Tensor input) => input.dim() == 4
        ? input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
        : input;
}

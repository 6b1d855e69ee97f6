namespace ModelCompiler.Format;

/// <summary>Operators a v1 <c>.qmodel</c> can hold.</summary>
public enum LayerOp
{
    Conv2D,
    MaxPool2D,
    AveragePool2D,
    GlobalAveragePool,
    Dense,
    Flatten,
    Softmax,
    Quantize,
    Dequantize,
}

/// <summary>One layer of a sequential model. <see cref="Line"/> is where it starts in the file (0 if built in memory).</summary>
public abstract class Layer(string name)
{
    public string Name { get; } = name;
    public int Line { get; init; }
    public abstract LayerOp Op { get; }
}

/// <summary>
/// 2-D convolution over an (H, W, C) tensor with a fused activation. Int8 layers carry the quantization of their
/// output; the input's comes from the tensor feeding them.
/// </summary>
public sealed class Conv2DLayer(
    string name, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
    Padding padding, Activation activation, WeightData weights, QuantParams? outputQuant) : Layer(name)
{
    public int Filters { get; } = filters;
    public int KernelHeight { get; } = kernelHeight;
    public int KernelWidth { get; } = kernelWidth;
    public int StrideHeight { get; } = strideHeight;
    public int StrideWidth { get; } = strideWidth;
    public Padding Padding { get; } = padding;
    public Activation Activation { get; } = activation;
    public WeightData Weights { get; } = weights;
    /// <summary>Required when <see cref="Precision"/> is Int8, absent otherwise.</summary>
    public QuantParams? OutputQuant { get; } = outputQuant;
    public Precision Precision => Weights.Precision;
    public override LayerOp Op => LayerOp.Conv2D;
}

/// <summary>Fully connected layer over a rank-1 tensor with a fused activation.</summary>
public sealed class DenseLayer(string name, int units, Activation activation, WeightData weights, QuantParams? outputQuant)
    : Layer(name)
{
    public int Units { get; } = units;
    public Activation Activation { get; } = activation;
    public WeightData Weights { get; } = weights;
    /// <summary>Required when <see cref="Precision"/> is Int8, absent otherwise.</summary>
    public QuantParams? OutputQuant { get; } = outputQuant;
    public Precision Precision => Weights.Precision;
    public override LayerOp Op => LayerOp.Dense;
}

/// <summary>Max or average pooling. Works on int8 or float tensors; int8 output keeps the input's quantization.</summary>
public sealed class Pool2DLayer(
    string name, bool isMax, int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding) : Layer(name)
{
    public bool IsMax { get; } = isMax;
    public int PoolHeight { get; } = poolHeight;
    public int PoolWidth { get; } = poolWidth;
    public int StrideHeight { get; } = strideHeight;
    public int StrideWidth { get; } = strideWidth;
    public Padding Padding { get; } = padding;
    public override LayerOp Op => IsMax ? LayerOp.MaxPool2D : LayerOp.AveragePool2D;
}

/// <summary>Mean over height and width: (H, W, C) to [C]. Int8 output keeps the input's quantization.</summary>
public sealed class GlobalAveragePoolLayer(string name) : Layer(name)
{
    public override LayerOp Op => LayerOp.GlobalAveragePool;
}

/// <summary>(H, W, C) to [H*W*C] in the stated element order; the following Dense layer's weights use that order.</summary>
public sealed class FlattenLayer(string name, FlattenOrder order) : Layer(name)
{
    public FlattenOrder Order { get; } = order;
    public override LayerOp Op => LayerOp.Flatten;
}

/// <summary>Softmax over a rank-1 tensor; only as the last layer. Output is float32 probabilities.</summary>
public sealed class SoftmaxLayer(string name) : Layer(name)
{
    public override LayerOp Op => LayerOp.Softmax;
}

/// <summary>Float32 tensor to int8 with the given quantization (the boundary into an int8 region).</summary>
public sealed class QuantizeLayer(string name, QuantParams output) : Layer(name)
{
    public QuantParams Output { get; } = output;
    public override LayerOp Op => LayerOp.Quantize;
}

/// <summary>Int8 tensor to float32 with its own quantization (the boundary out of an int8 region).</summary>
public sealed class DequantizeLayer(string name) : Layer(name)
{
    public override LayerOp Op => LayerOp.Dequantize;
}

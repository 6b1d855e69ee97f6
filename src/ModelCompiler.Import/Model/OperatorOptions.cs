namespace ModelCompiler.Import;

/// <summary>
/// An operator's decoded options. The records are shared by both formats where the two say the same thing
/// (strides, dilations, padding, groups); each property's documentation says how each format fills it.
/// </summary>
public abstract record OperatorOptions
{
    /// <summary>No options: QUANTIZE, DEQUANTIZE, Relu, GlobalAveragePool, Identity, MatMul, ONNX Add.</summary>
    public static OperatorOptions None { get; } = new NoOptions();

    private sealed record NoOptions : OperatorOptions;
}

/// <summary>CONV_2D, DEPTHWISE_CONV_2D (TFLite) and Conv (ONNX).</summary>
/// <param name="KernelHeight">From the filter's shape (TFLite) or <c>kernel_shape</c> / the weights (ONNX).</param>
/// <param name="Groups">1 for CONV_2D; the input channel count for DEPTHWISE_CONV_2D; ONNX <c>group</c>.</param>
/// <param name="DepthMultiplier">
/// Output channels per input channel of a depthwise convolution: TFLite <c>depth_multiplier</c> (or, when the file
/// leaves it 0, the filter's channels over the input's), ONNX <c>C_out / group</c> when <c>group</c> equals the input
/// channels; 1 otherwise.
/// </param>
/// <param name="Activation">TFLite <c>fused_activation_function</c>; ONNX: None.</param>
public sealed record ConvolutionOptions(
    Padding Padding,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int DilationHeight,
    int DilationWidth,
    int Groups,
    int DepthMultiplier,
    FusedActivation Activation) : OperatorOptions;

/// <summary>AVERAGE_POOL_2D, MAX_POOL_2D (TFLite); AveragePool, MaxPool (ONNX).</summary>
/// <param name="CountIncludePad">ONNX AveragePool <c>count_include_pad</c>; false for TFLite (padded cells are not counted).</param>
/// <param name="CeilMode">ONNX <c>ceil_mode</c>; false for TFLite.</param>
public sealed record PoolOptions(
    Padding Padding,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int DilationHeight,
    int DilationWidth,
    FusedActivation Activation,
    bool CountIncludePad,
    bool CeilMode) : OperatorOptions;

/// <summary>TFLite FULLY_CONNECTED.</summary>
/// <param name="ShuffledWeights">TFLite <c>weights_format = SHUFFLED4x16INT8</c> (a kernel-specific layout).</param>
public sealed record FullyConnectedOptions(FusedActivation Activation, bool KeepNumDims, bool ShuffledWeights, bool AsymmetricQuantizeInputs) : OperatorOptions;

/// <summary>ONNX Gemm: <c>Y = alpha * A' * B' + beta * C</c>, where <c>'</c> transposes when <c>transA</c>/<c>transB</c> is set.</summary>
public sealed record GemmOptions(float Alpha, float Beta, bool TransA, bool TransB) : OperatorOptions;

/// <summary>TFLite ADD (its fused activation).</summary>
public sealed record ElementwiseOptions(FusedActivation Activation) : OperatorOptions;

/// <summary>RESHAPE / Reshape: the target shape from the options (TFLite <c>new_shape</c>) or the constant shape input; -1 infers one dimension.</summary>
/// <param name="NewShape">Null when neither gives it (a computed shape input).</param>
/// <param name="AllowZero">ONNX <c>allowzero</c>: a 0 is a real zero, not "copy the input dimension".</param>
public sealed record ReshapeOptions(IReadOnlyList<long>? NewShape, bool AllowZero) : OperatorOptions;

/// <summary>SOFTMAX (TFLite <c>beta</c>, axis -1) / Softmax (ONNX <c>axis</c>, beta 1).</summary>
public sealed record SoftmaxOptions(float Beta, int Axis) : OperatorOptions;

/// <summary>TFLite MEAN: axes from its constant second input; <c>keep_dims</c>.</summary>
/// <param name="Axes">Null when the axes input is not a constant.</param>
public sealed record ReduceOptions(IReadOnlyList<int>? Axes, bool KeepDims) : OperatorOptions;

/// <summary>ONNX QuantizeLinear / DequantizeLinear: the axis for per-channel scales (opset 13's default 1).</summary>
public sealed record QuantizeLinearOptions(int Axis) : OperatorOptions;

/// <summary>ONNX BatchNormalization (inference form).</summary>
public sealed record BatchNormOptions(float Epsilon) : OperatorOptions;

/// <summary>ONNX Clip: bounds from constant inputs (opset 11 and later) or attributes; ±infinity where absent.</summary>
/// <param name="Min">Null when the bound is an input that is not a constant.</param>
public sealed record ClipOptions(float? Min, float? Max) : OperatorOptions;

/// <summary>ONNX Flatten: dimensions before <c>axis</c> become the first output dimension, the rest the second.</summary>
public sealed record FlattenOptions(int Axis) : OperatorOptions;

/// <summary>ONNX Transpose: the permutation of the input's axes (null: reversed, ONNX's default).</summary>
public sealed record TransposeOptions(IReadOnlyList<long>? Perm) : OperatorOptions
{
    /// <summary>NCHW to NHWC, what our export writes before flattening in HWC order (docs/import.md).</summary>
    public bool IsChannelsLast => Perm is [0, 2, 3, 1];
}

/// <summary>ONNX Pad in <c>constant</c> mode: <c>pads</c> as ONNX orders them (all begins, then all ends) and the fill value.</summary>
/// <param name="Pads">Null when the pads input is not a constant.</param>
public sealed record PadOptions(IReadOnlyList<long>? Pads, float Value) : OperatorOptions;

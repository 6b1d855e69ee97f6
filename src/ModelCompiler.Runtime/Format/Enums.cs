namespace ModelCompiler.Format;

/// <summary>How a layer's weights are stored and in which domain it computes.</summary>
public enum Precision
{
    /// <summary>TFLite int8 scheme: per-output-channel symmetric int8 weights, int8 activations, int32 bias.</summary>
    Int8,
    /// <summary>Left unquantized: float32 weights, bias and activations.</summary>
    Float32,
    /// <summary>Post-training dynamic range: per-output-channel int8 weights, float32 activations and bias.</summary>
    DynamicInt8,
    /// <summary>Post-training float16: IEEE half weights, float32 activations and bias.</summary>
    Float16,
}

/// <summary>The element type of a tensor flowing between layers.</summary>
public enum ElementKind
{
    /// <summary>Asymmetric int8 with a scale and zero point.</summary>
    Int8,
    /// <summary>Plain float32.</summary>
    Float32,
}

/// <summary>Activation fused into a Conv2D or Dense layer.</summary>
public enum Activation
{
    None,
    Relu,
    Relu6,
}

/// <summary>
/// How a model's int8 layers round when they requantize (docs/arithmetic.md): the project's one rounding, or TFLite's
/// default double rounding, which models imported from TFLite use to compute what TFLite computes.
/// </summary>
public enum Rounding
{
    /// <summary>One rounding, ties toward +infinity (<c>Requantizer</c>); what a file without a <c>rounding</c> line means.</summary>
    Single,
    /// <summary>TFLite's reference kernels without <c>TFLITE_SINGLE_ROUNDING</c> (<c>TfliteRequantizer</c>, <c>TfliteAddition</c>).</summary>
    Tflite,
}

/// <summary>
/// How an int8 average pool rounds the mean of its window (the <c>ties</c> attribute of <c>avgpool2d</c>).
/// </summary>
public enum AverageTies
{
    /// <summary>Ties away from zero (TFLite's int8 pool); what a layer without <c>ties</c> means.</summary>
    AwayFromZero,
    /// <summary>
    /// Ties toward +infinity, <c>floor((Σx + n/2) / n)</c>: TFLite's uint8 pool <c>(Σu + n/2) / n</c> on the uint8
    /// values <c>u = x + 128</c>, so models imported from the uint8 scheme compute what TFLite computes.
    /// </summary>
    Up,
}

/// <summary>TensorFlow padding semantics.</summary>
public enum Padding
{
    /// <summary>No padding: output = floor((in - k) / s) + 1.</summary>
    Valid,
    /// <summary>output = ceil(in / s); the extra padding row/column goes to the bottom/right.</summary>
    Same,
}

/// <summary>Element order of a flattened (H, W, C) tensor.</summary>
public enum FlattenOrder
{
    /// <summary>Index = (h * W + w) * C + c, as Keras/TFLite flatten NHWC tensors.</summary>
    Hwc,
    /// <summary>Index = (c * H + h) * W + w, as PyTorch flattens NCHW tensors.</summary>
    Chw,
}

/// <summary>Memory layout of the model input as the caller passes it.</summary>
public enum InputLayout
{
    /// <summary>Interleaved pixels, row-major: index = (h * W + w) * C + c (how images are decoded).</summary>
    Hwc,
    /// <summary>Planar: index = (c * H + h) * W + w.</summary>
    Chw,
}

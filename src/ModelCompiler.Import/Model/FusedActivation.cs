namespace ModelCompiler.Import;

/// <summary>An activation fused into a TFLite operator (<c>fused_activation_function</c>); ONNX has separate operators instead.</summary>
public enum FusedActivation
{
    None,
    Relu,
    ReluN1To1,
    Relu6,
    Tanh,
    SignBit,

    /// <summary>A value the schema does not define.</summary>
    Unknown,
}

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>The engines compared side by side.</summary>
public enum EngineKind
{
    /// <summary>The C# the source generator compiled from the .qmodel (float input overload).</summary>
    Generated,
    /// <summary>ModelCompiler's reference int8 interpreter (the bit-exact oracle).</summary>
    Interpreter,
    /// <summary>ONNX Runtime on the float export (dequantized weights).</summary>
    OrtFloat,
    /// <summary>ONNX Runtime on the int8 QDQ export, which it fuses into QLinearConv/QGemm.</summary>
    OrtInt8,
    /// <summary>TorchSharp (libtorch) running the same network in float with the dequantized weights.</summary>
    TorchFloat,
}

/// <summary>Command-line and report names of <see cref="EngineKind"/>.</summary>
public static class EngineNames
{
    public static string Id(this EngineKind kind) => kind switch
    {
        EngineKind.Generated => "generated",
        EngineKind.Interpreter => "interpreter",
        EngineKind.OrtFloat => "ort-float",
        EngineKind.OrtInt8 => "ort-int8",
        _ => "torch-float",
    };

    public static string Title(this EngineKind kind) => kind switch
    {
        EngineKind.Generated => "generated Predict",
        EngineKind.Interpreter => "reference interpreter",
        EngineKind.OrtFloat => "ONNX Runtime float",
        EngineKind.OrtInt8 => "ONNX Runtime int8 QDQ",
        _ => "TorchSharp float",
    };

    public static EngineKind Parse(string id)
    {
        foreach (var kind in Enum.GetValues<EngineKind>())
        {
            if (kind.Id() == id)
            {
                return kind;
            }
        }

        throw new ArgumentException($"unknown engine '{id}'; expected one of {string.Join(", ", Enum.GetValues<EngineKind>().Select(k => k.Id()))}");
    }
}

namespace ModelCompiler.Import.Onnx;

/// <summary>
/// Decodes the attributes (and constant option-like inputs: Clip bounds, Reshape shape, Pad amounts) of the ONNX
/// operators the importer knows. Any attribute not read here is reported as unsupported.
/// </summary>
internal static class OnnxOptionsReader
{
    /// <summary>The default-domain operators whose attributes are decoded; others keep <see cref="OperatorOptions.None"/>.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "MatMul", "Add", "BatchNormalization", "Relu",
        "Clip", "Flatten", "Reshape", "Softmax", "QuantizeLinear", "DequantizeLinear", "Pad", "Identity", "Transpose",
    };

    public static OperatorOptions Read(OnnxAttributes a, string type, int opset, IReadOnlyList<SourceTensor?> inputs, string location, ImportProblems problems)
    {
        var options = type switch
        {
            "Conv" => Conv(a, inputs, location, problems),
            "MaxPool" or "AveragePool" => Pool(a, type, location, problems),
            "Gemm" => new GemmOptions(a.Float("alpha", 1), a.Float("beta", 1), a.Int("transA", 0) != 0, a.Int("transB", 0) != 0),
            "BatchNormalization" => BatchNorm(a, location, problems),
            "Clip" => Clip(a, opset, inputs),
            "Flatten" => new FlattenOptions((int)a.Int("axis", 1)),
            "Transpose" => new TransposeOptions(a.Ints("perm")),
            "Reshape" => new ReshapeOptions(Constant(inputs, 1)?.ReadIntegers(), a.Int("allowzero", 0) != 0),
            "Softmax" => new SoftmaxOptions(1, (int)a.Int("axis", opset >= 13 ? -1 : 1)),
            "QuantizeLinear" or "DequantizeLinear" => QuantizeLinear(a, location, problems),
            "Pad" => Pad(a, opset, inputs, location, problems),
            _ => OperatorOptions.None,
        };
        a.ReportUnread();
        return options;
    }

    private static OperatorOptions Conv(OnnxAttributes a, IReadOnlyList<SourceTensor?> inputs, string location, ImportProblems problems)
    {
        // Weights [O, I / group, KH, KW].
        var weights = inputs.Count > 1 ? inputs[1]?.Shape : null;
        long[]? kernel = a.Ints("kernel_shape");
        if (weights is { Count: 4 } w && kernel is not null && (kernel.Length != 2 || kernel[0] != w[2] || kernel[1] != w[3]))
        {
            problems.Add(location, "kernel_shape", $"[{string.Join(",", kernel)}] does not match the weights [{string.Join(",", w)}]");
        }

        int group = (int)a.Int("group", 1);
        int multiplier = group > 1 && weights is { Count: 4 } ws && ws[1] == 1 ? ws[0] / group : 1;
        var (strideH, strideW) = Pair(a.Ints("strides"), "strides", 1, location, problems);
        var (dilationH, dilationW) = Pair(a.Ints("dilations"), "dilations", 1, location, problems);
        return new ConvolutionOptions(
            Padding(a, location, problems),
            weights is { Count: 4 } k ? k[2] : kernel is { Length: 2 } ? (int)kernel[0] : 0,
            weights is { Count: 4 } k2 ? k2[3] : kernel is { Length: 2 } ? (int)kernel[1] : 0,
            strideH, strideW, dilationH, dilationW, group, multiplier, FusedActivation.None);
    }

    private static OperatorOptions Pool(OnnxAttributes a, string type, string location, ImportProblems problems)
    {
        long[]? kernel = a.Ints("kernel_shape");
        if (kernel is not { Length: 2 })
        {
            problems.Add(location, "kernel_shape", kernel is null ? "missing" : $"[{string.Join(",", kernel)}]: only 2-D pools are supported");
            kernel = [1, 1];
        }

        var (strideH, strideW) = Pair(a.Ints("strides"), "strides", 1, location, problems);
        int dilationH = 1, dilationW = 1;
        bool countIncludePad = false;
        if (type == "MaxPool")
        {
            (dilationH, dilationW) = Pair(a.Ints("dilations"), "dilations", 1, location, problems);
            if (a.Int("storage_order", 0) != 0)
            {
                problems.Add(location, "storage_order", "column-major indices are not supported");
            }
        }
        else
        {
            countIncludePad = a.Int("count_include_pad", 0) != 0;
        }

        return new PoolOptions(Padding(a, location, problems), (int)kernel[0], (int)kernel[1], strideH, strideW, dilationH, dilationW,
            FusedActivation.None, countIncludePad, a.Int("ceil_mode", 0) != 0);
    }

    private static OperatorOptions BatchNorm(OnnxAttributes a, string location, ImportProblems problems)
    {
        if (a.Int("training_mode", 0) != 0)
        {
            problems.Add(location, "training_mode", "batch statistics (training mode) are not supported");
        }

        if (a.Int("spatial", 1) != 1)
        {
            problems.Add(location, "spatial", "per-element batch normalization (spatial = 0) is not supported");
        }

        a.Float("momentum", 0.9f); // only used in training
        return new BatchNormOptions(a.Float("epsilon", 1e-5f));
    }

    private static OperatorOptions Clip(OnnxAttributes a, int opset, IReadOnlyList<SourceTensor?> inputs)
    {
        if (opset < 11)
        {
            return new ClipOptions(a.Float("min", float.NegativeInfinity), a.Float("max", float.PositiveInfinity));
        }

        return new ClipOptions(Bound(inputs, 1, float.NegativeInfinity), Bound(inputs, 2, float.PositiveInfinity));

        static float? Bound(IReadOnlyList<SourceTensor?> inputs, int index, float absent)
        {
            if (index >= inputs.Count || inputs[index] is null)
            {
                return absent;
            }

            return inputs[index] is { IsConstant: true, Type: ElementType.Float32 } t && t.Data!.Length == 4 ? t.ReadFloat32()[0] : null;
        }
    }

    private static OperatorOptions QuantizeLinear(OnnxAttributes a, string location, ImportProblems problems)
    {
        if (a.Int("block_size", 0) != 0)
        {
            problems.Add(location, "block_size", "blocked quantization is not supported");
        }

        if (a.Has("output_dtype"))
        {
            a.Int("output_dtype", 0);
            problems.Add(location, "output_dtype", "an explicit output type is not supported (give a zero point instead)");
        }

        a.Int("saturate", 1); // only affects float8 outputs, which the validator refuses
        return new QuantizeLinearOptions((int)a.Int("axis", 1));
    }

    private static OperatorOptions Pad(OnnxAttributes a, int opset, IReadOnlyList<SourceTensor?> inputs, string location, ImportProblems problems)
    {
        string mode = a.String("mode", "constant");
        if (mode != "constant")
        {
            problems.Add(location, "mode", $"'{mode}' padding is not supported (only constant)");
        }

        if (opset < 11)
        {
            return new PadOptions(a.Ints("pads"), a.Float("value", 0));
        }

        if (inputs.Count > 3 && inputs[3] is not null)
        {
            problems.Add(location, "axes", "padding selected axes is not supported");
        }

        float value = inputs.Count > 2 && inputs[2] is { IsConstant: true, Type: ElementType.Float32 } v && v.Data!.Length == 4 ? v.ReadFloat32()[0] : 0;
        return new PadOptions(Constant(inputs, 1)?.ReadIntegers(), value);
    }

    private static Padding Padding(OnnxAttributes a, string location, ImportProblems problems)
    {
        string autoPad = a.String("auto_pad", "NOTSET");
        long[]? pads = a.Ints("pads");
        switch (autoPad)
        {
            case "SAME_UPPER":
                return Import.Padding.Same;
            case "VALID":
                return Import.Padding.Valid;
            case "NOTSET":
                if (pads is null || pads.All(p => p == 0))
                {
                    return Import.Padding.Valid;
                }

                if (pads.Length != 4 || pads.Any(p => p < 0 || p > int.MaxValue))
                {
                    problems.Add(location, "pads", $"[{string.Join(",", pads)}]: only 2-D non-negative padding is supported");
                    return Import.Padding.Valid;
                }

                // ONNX orders them [top, left, bottom, right] (all begins, then all ends).
                return new Padding(PaddingKind.Explicit, (int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
            default:
                problems.Add(location, "auto_pad", $"'{autoPad}' is not supported (NOTSET, SAME_UPPER and VALID are)");
                return Import.Padding.Valid;
        }
    }

    private static (int, int) Pair(long[]? values, string name, int defaultValue, string location, ImportProblems problems)
    {
        if (values is null)
        {
            return (defaultValue, defaultValue);
        }

        if (values.Length != 2 || values.Any(v => v < 1 || v > int.MaxValue))
        {
            problems.Add(location, name, $"[{string.Join(",", values)}]: two positive values expected (2-D)");
            return (defaultValue, defaultValue);
        }

        return ((int)values[0], (int)values[1]);
    }

    private static SourceTensor? Constant(IReadOnlyList<SourceTensor?> inputs, int index) =>
        index < inputs.Count && inputs[index] is { IsConstant: true, Type: ElementType.Int64 or ElementType.Int32 } t ? t : null;
}

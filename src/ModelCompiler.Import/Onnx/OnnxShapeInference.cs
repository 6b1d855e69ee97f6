namespace ModelCompiler.Import.Onnx;

/// <summary>
/// Output shapes and element types of the ONNX operators the importer knows, in NCHW, from their inputs' shapes
/// and options (ONNX files from PyTorch state only the graph's input and output shapes). Null where it cannot tell:
/// an unknown operator, an unknown input shape, inconsistent shapes (which the validator then reports).
/// </summary>
internal static class OnnxShapeInference
{
    public static int[]? Shape(string type, OperatorOptions options, IReadOnlyList<SourceTensor?> inputs)
    {
        var x = inputs.Count > 0 ? inputs[0]?.Shape?.ToArray() : null;
        switch (type)
        {
            case "Conv" when x is { Length: 4 } && options is ConvolutionOptions c && inputs.Count > 1 && inputs[1]?.Shape is { Count: 4 } w:
                return [x[0], w[0], Window(x[2], c.KernelHeight, c.StrideHeight, c.DilationHeight, c.Padding.Top + c.Padding.Bottom, c.Padding.Kind, false),
                    Window(x[3], c.KernelWidth, c.StrideWidth, c.DilationWidth, c.Padding.Left + c.Padding.Right, c.Padding.Kind, false)];
            case "MaxPool" or "AveragePool" when x is { Length: 4 } && options is PoolOptions p:
                return [x[0], x[1], Window(x[2], p.KernelHeight, p.StrideHeight, p.DilationHeight, p.Padding.Top + p.Padding.Bottom, p.Padding.Kind, p.CeilMode),
                    Window(x[3], p.KernelWidth, p.StrideWidth, p.DilationWidth, p.Padding.Left + p.Padding.Right, p.Padding.Kind, p.CeilMode)];
            case "GlobalAveragePool" when x is { Length: >= 3 }:
                return [x[0], x[1], .. Enumerable.Repeat(1, x.Length - 2)];
            case "Gemm" when x is { Length: 2 } && options is GemmOptions g && inputs.Count > 1 && inputs[1]?.Shape is { Count: 2 } b:
                return [g.TransA ? x[1] : x[0], g.TransB ? b[0] : b[1]];
            case "MatMul" when x is { Length: 2 } && inputs.Count > 1 && inputs[1]?.Shape is { Count: 2 } b && x[1] == b[0]:
                return [x[0], b[1]];
            case "Add" when x is not null && inputs.Count > 1 && inputs[1]?.Shape is { } y:
                return Broadcast(x, [.. y]);
            case "BatchNormalization" or "Relu" or "Clip" or "Identity" or "Softmax" or "QuantizeLinear" or "DequantizeLinear":
                return x;
            case "Flatten" when x is not null && options is FlattenOptions f:
                int axis = f.Axis < 0 ? f.Axis + x.Length : f.Axis;
                return axis < 0 || axis > x.Length ? null : [Product(x[..axis]), Product(x[axis..])];
            case "Transpose" when x is not null && options is TransposeOptions t:
                var perm = t.Perm ?? [.. Enumerable.Range(0, x.Length).Reverse().Select(i => (long)i)];
                return perm.Count == x.Length && perm.Order().SequenceEqual(Enumerable.Range(0, x.Length).Select(i => (long)i))
                    ? perm.Select(p => x[p]).ToArray()
                    : null;
            case "Reshape" when x is not null && options is ReshapeOptions r && r.NewShape is { } target:
                return Reshape(x, target, r.AllowZero);
            case "Pad" when x is not null && options is PadOptions pad && pad.Pads is { } pads && pads.Count == 2 * x.Length:
                return x.Select((d, i) => (int)(d + pads[i] + pads[i + x.Length])).ToArray();
            default:
                return null;
        }
    }

    public static ElementType Type(string type, IReadOnlyList<SourceTensor?> inputs) => type switch
    {
        "QuantizeLinear" => inputs.Count > 2 && inputs[2] is { } zeroPoint ? zeroPoint.Type : ElementType.UInt8,
        "DequantizeLinear" => ElementType.Float32,
        _ => inputs.Count > 0 && inputs[0] is { } x ? x.Type : ElementType.Other,
    };

    private static int Window(int input, int kernel, int stride, int dilation, int padding, PaddingKind kind, bool ceil)
    {
        if (stride < 1)
        {
            return 0;
        }

        if (kind == PaddingKind.Same)
        {
            return (input + stride - 1) / stride;
        }

        long span = input + (long)padding - ((long)(kernel - 1) * dilation + 1);
        if (span < 0)
        {
            return 0;
        }

        return (int)((ceil ? (span + stride - 1) / stride : span / stride) + 1);
    }

    private static int[]? Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }

            result[i] = Math.Max(da, db);
        }

        return result;
    }

    private static int[]? Reshape(int[] input, IReadOnlyList<long> target, bool allowZero)
    {
        var result = new long[target.Count];
        int inferred = -1;
        for (int i = 0; i < target.Count; i++)
        {
            result[i] = target[i] == 0 && !allowZero ? (i < input.Length ? input[i] : -2) : target[i];
            if (result[i] == -1)
            {
                if (inferred >= 0)
                {
                    return null;
                }

                inferred = i;
            }
            else if (result[i] < 0)
            {
                return null;
            }
        }

        long total = Product(input);
        long known = result.Where((_, i) => i != inferred).Aggregate(1L, (n, d) => n * d);
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0)
            {
                return null;
            }

            result[inferred] = total / known;
        }

        return result.Aggregate(1L, (n, d) => n * d) == total && result.All(d => d <= int.MaxValue) ? Array.ConvertAll(result, d => (int)d) : null;
    }

    private static int Product(ReadOnlySpan<int> dims)
    {
        long n = 1;
        foreach (int d in dims)
        {
            n *= d;
        }

        return n > int.MaxValue ? 0 : (int)n;
    }
}

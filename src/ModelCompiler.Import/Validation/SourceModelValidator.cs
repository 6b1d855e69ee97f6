namespace ModelCompiler.Import.Validation;

/// <summary>
/// Says what of a <see cref="SourceModel"/> cannot be imported, one problem per construct: an operator the importer
/// does not support (by index, type and name), an unsupported attribute value (dilation, a depth multiplier above 1,
/// grouped convolution, a fused activation other than ReLU/ReLU6, ceil mode...), a parameter that is not a constant
/// in the file, an unsupported element type, inconsistent quantization, a graph that is not one image in and one
/// vector out. Readers report what they cannot decode (unknown attributes, corrupt data, dynamic dimensions).
/// </summary>
public static class SourceModelValidator
{
    public static void Validate(SourceModel model, ImportProblems problems)
    {
        ArgumentNullException.ThrowIfNull(model);
        var supported = SupportedOperators.For(model.Format);
        var parameters = ParameterTensors(model);
        var reportedTensors = new HashSet<int>();
        var rules = new OperatorRules(model, problems);
        foreach (var op in model.Operators)
        {
            if (!supported.Contains(op.Type))
            {
                problems.Add(op, null, $"operator not supported (supported: {string.Join(", ", supported)})");
                continue;
            }

            foreach (int input in SupportedOperators.ParameterInputs(op.Type))
            {
                if (input < op.Inputs.Count && op.Inputs[input] >= 0 && !parameters.Contains(op.Inputs[input]))
                {
                    var tensor = model.Tensors[op.Inputs[input]];
                    problems.Add(op, $"input {input} '{tensor.Name}'", "must be a constant in the file (weights, biases, shapes and quantization parameters are not computed at run time)");
                }
            }

            foreach (int index in op.Inputs.Concat(op.Outputs).Where(i => i >= 0))
            {
                if (reportedTensors.Contains(index))
                {
                    continue;
                }

                if (!CheckTensor(model, model.Tensors[index], parameters.Contains(index), problems))
                {
                    reportedTensors.Add(index);
                }
            }

            rules.Check(op);
        }

        CheckGraph(model, problems);
    }

    /// <summary>Constants, and values computed only from constants by QuantizeLinear, DequantizeLinear and Identity.</summary>
    private static HashSet<int> ParameterTensors(SourceModel model)
    {
        var set = model.Tensors.Where(t => t.IsConstant).Select(t => t.Index).ToHashSet();
        foreach (var op in model.Operators)
        {
            if (op.Type is "QuantizeLinear" or "DequantizeLinear" or "Identity" or "QUANTIZE" or "DEQUANTIZE"
                && op.Inputs.Where(i => i >= 0).All(set.Contains))
            {
                set.UnionWith(op.Outputs.Where(i => i >= 0));
            }
        }

        return set;
    }

    /// <summary>Element type and quantization of one tensor; false if a problem was added.</summary>
    private static bool CheckTensor(SourceModel model, SourceTensor tensor, bool isParameter, ImportProblems problems)
    {
        bool allowed = tensor.Type switch
        {
            ElementType.Float32 or ElementType.Int8 or ElementType.UInt8 => true,
            ElementType.Int32 or ElementType.Int64 => isParameter, // biases, shapes, axes, bias zero points
            _ => false,
        };
        if (!allowed)
        {
            string role = isParameter ? "constants" : "activations";
            problems.Add(tensor, "type", $"element type {tensor.Type} is not supported for {role} (float32, int8 and uint8{(isParameter ? ", int32 and int64" : "")} are)");
            return false;
        }

        if (tensor.Quantization is not { } q)
        {
            if (model.Format == SourceFormat.Tflite && tensor.Type is ElementType.Int8 or ElementType.UInt8)
            {
                problems.Add(tensor, "quantization", $"an {tensor.Type} tensor without a scale and zero point");
                return false;
            }

            return true;
        }

        if (q.Scales.Count == 0 || q.ZeroPoints.Count != q.Scales.Count)
        {
            problems.Add(tensor, "quantization", $"{q.Scales.Count} scales and {q.ZeroPoints.Count} zero points");
            return false;
        }

        if (q.Scales.Any(s => !float.IsFinite(s) || s <= 0))
        {
            problems.Add(tensor, "quantization.scale", $"scales must be finite and positive; found {q.Scales.First(s => !float.IsFinite(s) || s <= 0)}");
            return false;
        }

        if (q.Axis is int axis && (tensor.Shape is not { } shape || axis < 0 || axis >= shape.Count || shape[axis] != q.Scales.Count))
        {
            problems.Add(tensor, "quantization.axis", $"{q.Scales.Count} scales on axis {axis} of shape [{(tensor.Shape is null ? "?" : string.Join(",", tensor.Shape))}]");
            return false;
        }

        var (min, max) = tensor.Type switch
        {
            ElementType.Int8 => (-128L, 127L),
            ElementType.UInt8 => (0L, 255L),
            _ => (long.MinValue, long.MaxValue),
        };
        long[] outside = q.ZeroPoints.Where(z => z < min || z > max).ToArray();
        if (outside.Length > 0)
        {
            problems.Add(tensor, "quantization.zero_point", $"zero point {outside[0]} is outside the range of {tensor.Type}");
            return false;
        }

        return true;
    }

    private static void CheckGraph(SourceModel model, ImportProblems problems)
    {
        if (model.Inputs.Count != 1)
        {
            problems.Add("graph", "inputs", $"{model.Inputs.Count} inputs; an image classifier has one");
        }
        else
        {
            var input = model.Tensors[model.Inputs[0]];
            if (input.Shape is { Count: not 4 } shape)
            {
                problems.Add(input, "shape", $"[{string.Join(",", shape)}]: the input must be one image ({(model.Layout == TensorLayout.Nhwc ? "NHWC" : "NCHW")})");
            }
        }

        if (model.Outputs.Count != 1)
        {
            problems.Add("graph", "outputs", $"{model.Outputs.Count} outputs; an image classifier has one");
        }

        if (model.Operators.Count == 0)
        {
            problems.Add("graph", null, "no operators");
        }
    }
}

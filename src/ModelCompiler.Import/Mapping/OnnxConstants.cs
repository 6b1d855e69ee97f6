using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// The constants of a QDQ ONNX layer in the format's terms: int8 weights behind <c>DequantizeLinear</c> (stored int8
/// or uint8, or a float initializer quantized by a <c>QuantizeLinear</c> as PyTorch's QAT export writes it), laid out
/// <c>[outputs][...]</c>, with their zero point (one per layer, the format's <c>weight_zero_point</c>), and the bias as int32 at <c>s_in·s_w[c]</c> (an int32 <c>DequantizeLinear</c> at exactly that
/// scale as is; a float bias rounded to it). What the format cannot hold is one problem naming the operator and input.
/// </summary>
internal sealed class OnnxConstants(SourceModel model, ImportProblems problems, ImportReport report)
{
    private readonly Dictionary<int, SourceOperator> _producers = model.Operators
        .SelectMany(o => o.Outputs.Where(t => t >= 0).Select(t => (t, o)))
        .ToDictionary(p => p.t, p => p.o);

    private bool _roundedFloatBias;

    /// <summary>The operator that computes <paramref name="tensor"/>, or null for a constant or graph input.</summary>
    public SourceOperator? Producer(int tensor) => _producers.GetValueOrDefault(tensor);

    /// <summary>
    /// Whether <paramref name="tensor"/> is a constant, or a QuantizeLinear, DequantizeLinear or Identity of one: the
    /// weights and biases of a QDQ graph, which the layer reading them takes over.
    /// </summary>
    public bool IsConstant(int tensor) =>
        model.Tensors[tensor].IsConstant
        || (Producer(tensor) is { Type: "QuantizeLinear" or "DequantizeLinear" or "Identity" } op && op.Inputs.Count > 0 && op.Inputs[0] >= 0 && IsConstant(op.Inputs[0]));

    /// <summary>
    /// The weights of <paramref name="op"/> (its input <paramref name="input"/>) as <c>[outputs][rest]</c> int8 values
    /// with one scale per output: <paramref name="outputAxis"/> is the dimension of the source tensor that indexes the
    /// outputs (0 for Conv and Gemm with <c>transB</c>, 1 for MatMul and plain Gemm, which are transposed). A zero
    /// point is per layer in the format: per-channel zero points must all be equal; uint8 weights are shifted to int8.
    /// </summary>
    public (sbyte[] Values, float[] Scales, int ZeroPoint)? Weights(SourceOperator op, int input, int outputAxis)
    {
        int index = op.Inputs[input];
        var tensor = model.Tensors[index];
        string where = $"input {input} '{tensor.Name}'";
        if (Producer(index) is not { Type: "DequantizeLinear" } dequantize || dequantize.Inputs[0] < 0)
        {
            problems.Add(op, where, tensor.IsConstant
                ? $"{tensor.Type} weights without DequantizeLinear: a QDQ model's weights are int8 behind DequantizeLinear (float models are imported through post-training quantization, --calibration-dir)"
                : "the weights must be a constant (DequantizeLinear of an int8 initializer)");
            return null;
        }

        var stored = model.Tensors[dequantize.Inputs[0]];
        var shape = tensor.Shape ?? stored.Shape!;
        if (stored.Quantization is not { } q)
        {
            problems.Add(op, where, "the weights' DequantizeLinear has no constant scale and zero point");
            return null;
        }

        long[] raw;
        if (stored.IsConstant && stored.Type is ElementType.Int8 or ElementType.UInt8)
        {
            raw = stored.ReadIntegers();
        }
        else if (Producer(stored.Index) is { Type: "QuantizeLinear" } quantize && quantize.Inputs[0] >= 0
            && model.Tensors[quantize.Inputs[0]] is { IsConstant: true, Type: ElementType.Float32 } real && stored.Type == ElementType.Int8)
        {
            // DQ(Q(W)): the int8 values QuantizeLinear computes (float32 division, half to even, saturated).
            var reals = real.ReadFloat32();
            raw = new long[reals.Length];
            for (int i = 0; i < reals.Length; i++)
            {
                int channel = q.Axis is int a ? ChannelOf(i, shape, a) : 0;
                raw[i] = Quantizer.Quantize(reals[i], q.Scales[channel], (int)q.ZeroPoints[channel]);
            }
        }
        else
        {
            problems.Add(op, where, $"{stored.Type} weights{(stored.IsConstant ? "" : " that are not a constant")}: only int8 and uint8 weights (DequantizeLinear of an int8 or uint8 initializer, or of QuantizeLinear of a float one to int8) are mapped");
            return null;
        }

        int outputs = shape[outputAxis];
        if (q.ZeroPoints.Distinct().Count() > 1)
        {
            problems.Add(op, where, $"{ImportReport.Describe(dequantize)}'s x_zero_point holds {q.ZeroPoints.Count} per-channel zero points ({string.Join(", ", q.ZeroPoints.Distinct().Take(4))}, ...): the format has one weight zero point per layer");
            return null;
        }

        if (q.Axis is int axis && axis != outputAxis)
        {
            problems.Add(op, where, $"per-channel scales on axis {axis}; this operator's outputs are axis {outputAxis}");
            return null;
        }

        int minus128 = Array.IndexOf(raw, (long)sbyte.MinValue);
        if (stored.Type == ElementType.Int8 && q.ZeroPoints[0] == 0 && minus128 >= 0)
        {
            problems.Add(op, where, $"weight {minus128} is -128: the format's int8 weights are [-127, 127] (quantize weights with quant_min -127)");
            return null;
        }

        if (Int8WeightConversion.WithZeroPoint(raw, stored.Type, q.ZeroPoints[0], out string? problem) is not var (values, zeroPoint))
        {
            problems.Add(op, where, problem!);
            return null;
        }

        var scales = q.IsPerChannel ? q.Scales.ToArray() : Enumerable.Repeat(q.Scales[0], outputs).ToArray();
        var result = new sbyte[values.Length];
        int inner = values.Length / outputs;
        for (int i = 0; i < values.Length; i++)
        {
            // [K, N] (outputs on axis 1) becomes [N, K]; every other layout already has the outputs first.
            int target = outputAxis == 0 ? i : ((i % outputs) * inner) + (i / outputs);
            result[target] = values[i];
        }

        return (result, scales, zeroPoint);
    }

    /// <summary>The int32 bias of <paramref name="op"/> at scale <c>inputScale·weightScales[c]</c>; zeros when <paramref name="input"/> is absent.</summary>
    public int[]? Bias(SourceOperator op, int input, float inputScale, float[] weightScales)
    {
        int channels = weightScales.Length;
        if (op.Inputs.Count <= input || op.Inputs[input] < 0)
        {
            return new int[channels];
        }

        int index = op.Inputs[input];
        var tensor = model.Tensors[index];
        string where = $"input {input} '{tensor.Name}'";
        if (!IsConstant(index))
        {
            problems.Add(op, where, "the bias must be a constant");
            return null;
        }

        if (Producer(index) is { Type: "DequantizeLinear" } dequantize && model.Tensors[dequantize.Inputs[0]] is { IsConstant: true, Type: ElementType.Int32, Quantization: { } q } stored
            && stored.ElementCount == channels && Enumerable.Range(0, channels).All(c => Int8WeightConversion.IsBiasScale(q.Scales[q.Scales.Count == 1 ? 0 : c], (double)inputScale * weightScales[c]) && q.ZeroPoints[q.ZeroPoints.Count == 1 ? 0 : c] == 0))
        {
            return stored.ReadInt32();
        }

        if (RealValues(index) is not { } real || real.Length != channels)
        {
            problems.Add(op, where, $"the bias must be {channels} values: float32, or int32 behind DequantizeLinear at scale s_in·s_w");
            return null;
        }

        if (!_roundedFloatBias)
        {
            _roundedFloatBias = true;
            report.Differ("float biases are rounded to int32 at s_in·s_w (half to even), where ONNX adds the float bias before quantizing: an output next to a half-way point can differ by one step");
        }

        var bias = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            double value = Math.Round(real[c] / ((double)inputScale * weightScales[c]), MidpointRounding.ToEven);
            if (double.IsNaN(value) || Math.Abs(value) > int.MaxValue)
            {
                problems.Add(op, where, $"bias {c} = {real[c]} does not fit int32 at scale {(double)inputScale * weightScales[c]:R}");
                return null;
            }

            bias[c] = (int)value;
        }

        return bias;
    }

    /// <summary>The real values of a constant chain (float initializer, DequantizeLinear of an integer one, DQ(Q(float))), or null.</summary>
    public float[]? RealValues(int index)
    {
        var tensor = model.Tensors[index];
        if (tensor is { IsConstant: true, Type: ElementType.Float32 })
        {
            return tensor.ReadFloat32();
        }

        if (Producer(index) is { Type: "Identity" } identity)
        {
            return RealValues(identity.Inputs[0]);
        }

        if (Producer(index) is not { Type: "DequantizeLinear" } dq || model.Tensors[dq.Inputs[0]] is not { Quantization: { } q } stored)
        {
            return null;
        }

        long[]? ints = stored is { IsConstant: true, Type: ElementType.Int8 or ElementType.UInt8 or ElementType.Int32 } ? stored.ReadIntegers() : null;
        if (ints is null && Producer(stored.Index) is { Type: "QuantizeLinear" } quantize && RealValues(quantize.Inputs[0]) is { } before)
        {
            var (min, max) = stored.Type == ElementType.UInt8 ? (0, 255) : (-128, 127);
            ints = new long[before.Length];
            for (int i = 0; i < before.Length; i++)
            {
                int c = q.Axis is int a ? ChannelOf(i, stored.Shape!, a) : 0;
                ints[i] = (long)Math.Clamp(Math.Round((double)(before[i] / q.Scales[c]), MidpointRounding.ToEven) + q.ZeroPoints[c], min, max);
            }
        }

        if (ints is null)
        {
            return null;
        }

        var result = new float[ints.Length];
        for (int i = 0; i < ints.Length; i++)
        {
            int c = q.Axis is int a ? ChannelOf(i, stored.Shape!, a) : 0;
            result[i] = (ints[i] - q.ZeroPoints[c]) * q.Scales[c];
        }

        return result;
    }

    private static int ChannelOf(int flat, IReadOnlyList<int> shape, int axis)
    {
        int inner = 1;
        for (int d = axis + 1; d < shape.Count; d++)
        {
            inner *= shape[d];
        }

        return flat / inner % shape[axis];
    }
}

using System.Globalization;
using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Lowers a validated <see cref="QModel"/> into a <see cref="ModelPlan"/>: fuses int8 Conv2D with the MaxPool2D
/// after it, folds Flatten into the Dense after it, folds zero points into biases, computes requantization
/// multipliers and activation clamps, packs weights in kernel order and plans the arena.
/// </summary>
internal static class ModelPlanner
{
    /// <exception cref="QModelFormatException">The layers do not chain (TensorChain's validation).</exception>
    public static ModelPlan Plan(QModel model, string @namespace, string sourceFileName)
    {
        var tensors = TensorChain.Infer(model);
        var arena = new ArenaPlanner();
        var steps = new List<(StepPlan Step, int InputId, int OutputId, int[] ScratchIds, TensorInfo Produced)>();

        // Step 0 writes the input; layer steps are numbered from 1; the step after the last reads the output.
        var input = tensors[0];
        int currentId = arena.Request(Bytes(input), 0, 1);
        TensorShape? pendingChw = null;
        bool endsWithSoftmax = false;
        var layers = model.Layers;

        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var inT = tensors[i];
            var outT = tensors[i + 1];
            int stepIndex = steps.Count + 1;
            string method = MethodName(steps.Count + 1, layer.Name);
            StepPlan? step = null;
            var scratch = new List<int>();
            var producedInfo = outT;

            switch (layer)
            {
                case Conv2DLayer conv when conv.Weights is Int8Weights w8 && BlockedConvLowering.Applies(w8):
                {
                    var convGeometry = Geometry(inT.Shape, outT.Shape, conv.KernelHeight, conv.KernelWidth, conv.StrideHeight, conv.StrideWidth, conv.Padding);
                    WindowGeometry? poolGeometry = null;
                    Pool2DLayer? pool = null;
                    if (i + 1 < layers.Count && layers[i + 1] is Pool2DLayer p)
                    {
                        var pooled = tensors[i + 2];
                        var g = Geometry(outT.Shape, pooled.Shape, p.PoolHeight, p.PoolWidth, p.StrideHeight, p.StrideWidth, p.Padding);
                        if (BlockedConvLowering.CanFuse(p, g))
                        {
                            pool = p;
                            poolGeometry = g;
                            producedInfo = pooled;
                        }
                    }

                    int cin = inT.Shape.Channels, cout = conv.Filters;
                    int paddedCout = WeightPacking.RoundUp(cout, WeightPacking.Lanes);
                    int groups = BlockedConvLowering.GroupsFor(conv.KernelWidth, cin);
                    int pixels = pool is null ? Math.Min(BlockedConvLowering.UnfusedPixels, convGeometry.OutputWidth) : pool.PoolHeight * pool.PoolWidth;
                    int vectors = BlockedConvLowering.VectorsFor(paddedCout / WeightPacking.Lanes, pixels);
                    var (paddedHeight, paddedWidth) = BlockedConvLowering.PaddedSize(convGeometry);
                    var inQuant = inT.Quant!.Value;
                    var outQuant = outT.Quant!.Value;
                    var (min, max) = Quantizer.ActivationRange(conv.Activation, outQuant);
                    var (mults, shifts) = Multipliers(inQuant, w8.Scales, outQuant);
                    scratch.Add(arena.Request((paddedHeight * paddedWidth * cin) + 4, stepIndex, stepIndex));
                    scratch.Add(arena.Request(4 * WeightPacking.Lanes, stepIndex, stepIndex));
                    int k = conv.KernelHeight * conv.KernelWidth * cin;
                    string summary = $"int8 Conv2D '{Safe(conv.Name)}' (line {conv.Line}): {inT.Shape} -> {outT.Shape}, kernel {conv.KernelHeight}x{conv.KernelWidth}, "
                        + $"stride {conv.StrideHeight}x{conv.StrideWidth}, {conv.Padding.ToString().ToLowerInvariant()} padding (top {convGeometry.PadTop}, left {convGeometry.PadLeft}), "
                        + $"{conv.Activation.ToString().ToLowerInvariant()} activation (clamp [{min}, {max}]), zero points in {inQuant.ZeroPoint} / out {outQuant.ZeroPoint}, "
                        + $"{cout} filters (padded {paddedCout}); 7-bit weights: register-blocked u8 x s8 kernel on a {paddedHeight}x{paddedWidth}x{cin} uint8 copy of the input, "
                        + $"{pixels} pixels x {vectors * WeightPacking.Lanes} channels per step, {groups} groups of 4 bytes per kernel row"
                        + (pool is null ? "." : $"; fused with MaxPool2D '{Safe(pool.Name)}' (line {pool.Line}) {pool.PoolHeight}x{pool.PoolWidth} stride {pool.StrideHeight}x{pool.StrideWidth} -> {producedInfo.Shape}: one pool window per step, the max is taken over int32 accumulators, the pre-pool tensor is never stored.");
                    step = new Int8BlockedConvStep(
                        method, summary, default, default, convGeometry, poolGeometry, cout, paddedCout, paddedHeight, paddedWidth, groups, pixels, vectors, inQuant.ZeroPoint,
                        BlockedConvLowering.PackWeights(w8.Values, cout, cin, conv.KernelHeight, conv.KernelWidth, paddedCout, groups).ToEquatableArray(),
                        WeightPacking.FoldZeroPoint(w8.Bias, w8.Values, k, inQuant.ZeroPoint + 128, paddedCout).ToEquatableArray(),
                        BlockedConvLowering.PadMultipliers(mults, paddedCout).ToEquatableArray(), shifts,
                        BlockedConvLowering.RequantizationConstants(shifts, paddedCout).ToEquatableArray(),
                        outQuant.ZeroPoint, min, max, 0, 0);
                    if (pool is not null)
                    {
                        i++;
                    }

                    break;
                }

                case Conv2DLayer conv when conv.Weights is Int8Weights w8:
                {
                    Pool2DLayer? pool = i + 1 < layers.Count && layers[i + 1] is Pool2DLayer p && p.IsMax
                        && p.StrideHeight == p.PoolHeight && p.StrideWidth == p.PoolWidth ? p : null;
                    var convGeometry = Geometry(inT.Shape, outT.Shape, conv.KernelHeight, conv.KernelWidth, conv.StrideHeight, conv.StrideWidth, conv.Padding);
                    WindowGeometry? poolGeometry = null;
                    if (pool is not null)
                    {
                        producedInfo = tensors[i + 2];
                        poolGeometry = Geometry(outT.Shape, producedInfo.Shape, pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding);
                    }

                    int cin = inT.Shape.Channels, cout = conv.Filters;
                    int k = conv.KernelHeight * conv.KernelWidth * cin;
                    int paddedK = WeightPacking.RoundUp(k, 8);
                    int paddedCout = WeightPacking.RoundUp(cout, WeightPacking.Lanes);
                    var inQuant = inT.Quant!.Value;
                    var outQuant = outT.Quant!.Value;
                    var (min, max) = Quantizer.ActivationRange(conv.Activation, outQuant);
                    var (mults, shifts) = Multipliers(inQuant, w8.Scales, outQuant);
                    scratch.Add(arena.Request(2 * paddedK, stepIndex, stepIndex));
                    scratch.Add(arena.Request(4 * paddedCout, stepIndex, stepIndex));
                    scratch.Add(arena.Request(4 * paddedCout, stepIndex, stepIndex));
                    string summary = $"int8 Conv2D '{Safe(conv.Name)}' (line {conv.Line}): {inT.Shape} -> {outT.Shape}, kernel {conv.KernelHeight}x{conv.KernelWidth}, "
                        + $"stride {conv.StrideHeight}x{conv.StrideWidth}, {conv.Padding.ToString().ToLowerInvariant()} padding (top {convGeometry.PadTop}, left {convGeometry.PadLeft}), "
                        + $"{conv.Activation.ToString().ToLowerInvariant()} activation (clamp [{min}, {max}]), zero points in {inQuant.ZeroPoint} / out {outQuant.ZeroPoint}, "
                        + $"patch {k} (padded {paddedK}), {cout} filters (padded {paddedCout})"
                        + (pool is null ? "." : $"; fused with MaxPool2D '{Safe(pool.Name)}' (line {pool.Line}) {pool.PoolHeight}x{pool.PoolWidth} stride {pool.StrideHeight}x{pool.StrideWidth} -> {producedInfo.Shape}: the max is taken over int32 accumulators, the pre-pool tensor is never stored.");
                    step = new Int8ConvStep(
                        method, summary, default, default, convGeometry, poolGeometry, cout, paddedCout, k, paddedK, inQuant.ZeroPoint,
                        WeightPacking.PackInt8Conv(w8.Values, cout, cin, conv.KernelHeight, conv.KernelWidth, paddedCout, paddedK).ToEquatableArray(),
                        WeightPacking.FoldZeroPoint(w8.Bias, w8.Values, k, inQuant.ZeroPoint, paddedCout).ToEquatableArray(),
                        mults, shifts, outQuant.ZeroPoint, min, max, 0, 0, 0);
                    if (pool is not null)
                    {
                        i++;
                    }

                    break;
                }

                case Conv2DLayer conv:
                {
                    var geometry = Geometry(inT.Shape, outT.Shape, conv.KernelHeight, conv.KernelWidth, conv.StrideHeight, conv.StrideWidth, conv.Padding);
                    var bias = WeightPacking.FloatBias(conv.Weights);
                    int paddedCout = WeightPacking.RoundUp(conv.Filters, WeightPacking.Lanes);
                    string summary = $"{TensorChain.PrecisionName(conv.Precision)} Conv2D '{Safe(conv.Name)}' (line {conv.Line}): {inT.Shape} -> {outT.Shape}, kernel {conv.KernelHeight}x{conv.KernelWidth}, "
                        + $"stride {conv.StrideHeight}x{conv.StrideWidth}, {conv.Padding.ToString().ToLowerInvariant()} padding (top {geometry.PadTop}, left {geometry.PadLeft}), "
                        + $"{conv.Activation.ToString().ToLowerInvariant()} activation; float32 arithmetic, no FMA, sum order ky, kx, ci per output.";
                    step = new FloatConvStep(
                        method, summary, default, default, geometry, conv.Filters, paddedCout,
                        WeightPacking.Store(conv.Weights, WeightPacking.FloatConvOrder(conv.Filters, inT.Shape.Channels, conv.KernelHeight, conv.KernelWidth, paddedCout),
                            conv.KernelHeight * conv.KernelWidth * inT.Shape.Channels, paddedCout),
                        Pad(bias, paddedCout).ToEquatableArray(), conv.Activation);
                    break;
                }

                case DenseLayer dense:
                {
                    int inputs = inT.Shape.Length;
                    Func<int, int> columnOf = j => j;
                    string flattenNote = string.Empty;
                    if (pendingChw is { } chw)
                    {
                        int h = chw.Height, w = chw.Width, c = chw.Channels;
                        columnOf = j => (((j % c) * h) + (j / c / w)) * w + (j / c % w);
                        flattenNote = $" The preceding chw Flatten of {chw} is folded into the weight order.";
                        pendingChw = null;
                    }

                    if (dense.Weights is Int8Weights w8)
                    {
                        int paddedInputs = WeightPacking.RoundUp(inputs, 64);
                        var inQuant = inT.Quant!.Value;
                        var outQuant = outT.Quant!.Value;
                        var (min, max) = Quantizer.ActivationRange(dense.Activation, outQuant);
                        var (mults, shifts) = Multipliers(inQuant, w8.Scales, outQuant);
                        bool unsigned = BlockedConvLowering.Applies(w8);
                        scratch.Add(arena.Request((unsigned ? 1 : 2) * paddedInputs, stepIndex, stepIndex));
                        string summary = $"int8 Dense '{Safe(dense.Name)}' (line {dense.Line}): {inT.Shape} -> {outT.Shape}, "
                            + $"{dense.Activation.ToString().ToLowerInvariant()} activation (clamp [{min}, {max}]), zero points in {inQuant.ZeroPoint} / out {outQuant.ZeroPoint}, "
                            + $"inputs padded to {paddedInputs}"
                            + (unsigned ? "; 7-bit weights: uint8 input (q + 128) x int8 weights, four units at a time." : "; input widened to int16.") + flattenNote;
                        step = new Int8DenseStep(
                            method, summary, default, default, inputs, paddedInputs, dense.Units,
                            WeightPacking.PackInt8Dense(w8.Values, dense.Units, inputs, paddedInputs, columnOf).ToEquatableArray(),
                            WeightPacking.FoldZeroPoint(w8.Bias, w8.Values, inputs, inQuant.ZeroPoint + (unsigned ? 128 : 0), dense.Units).ToEquatableArray(),
                            mults, shifts, outQuant.ZeroPoint, min, max, 0, unsigned);
                    }
                    else
                    {
                        var bias = WeightPacking.FloatBias(dense.Weights);
                        int paddedUnits = WeightPacking.RoundUp(dense.Units, WeightPacking.Lanes);
                        string summary = $"{TensorChain.PrecisionName(dense.Precision)} Dense '{Safe(dense.Name)}' (line {dense.Line}): {inT.Shape} -> {outT.Shape}, "
                            + $"{dense.Activation.ToString().ToLowerInvariant()} activation; float32 arithmetic, no FMA, inputs summed in ascending order.{flattenNote}";
                        step = new FloatDenseStep(
                            method, summary, default, default, inputs, dense.Units, paddedUnits,
                            WeightPacking.Store(dense.Weights, WeightPacking.FloatDenseOrder(dense.Units, inputs, paddedUnits, columnOf), inputs, paddedUnits),
                            Pad(bias, paddedUnits).ToEquatableArray(), dense.Activation);
                    }

                    break;
                }

                case Pool2DLayer pool:
                {
                    var geometry = Geometry(inT.Shape, outT.Shape, pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding);
                    string kind = inT.Kind == ElementKind.Int8 ? "int8" : "float32";
                    string summary = $"{kind} {(pool.IsMax ? "MaxPool2D" : "AveragePool2D")} '{Safe(pool.Name)}' (line {pool.Line}): {inT.Shape} -> {outT.Shape}, window {pool.PoolHeight}x{pool.PoolWidth}, "
                        + $"stride {pool.StrideHeight}x{pool.StrideWidth}, {pool.Padding.ToString().ToLowerInvariant()} padding (top {geometry.PadTop}, left {geometry.PadLeft}); padded cells are ignored.";
                    step = new PoolStep(method, summary, default, default, geometry, pool.IsMax);
                    break;
                }

                case GlobalAveragePoolLayer gap:
                {
                    string kind = inT.Kind == ElementKind.Int8 ? "int8" : "float32";
                    string summary = $"{kind} GlobalAveragePool '{Safe(gap.Name)}' (line {gap.Line}): {inT.Shape} -> {outT.Shape}.";
                    step = new GlobalAveragePoolStep(method, summary, default, default, inT.Shape.Height, inT.Shape.Width, inT.Shape.Channels);
                    break;
                }

                case FlattenLayer flatten:
                {
                    bool trivial = flatten.Order == FlattenOrder.Hwc || (inT.Shape.Height == 1 && inT.Shape.Width == 1) || inT.Shape.Channels == 1;
                    if (trivial)
                    {
                        break;
                    }

                    if (i + 1 < layers.Count && layers[i + 1] is DenseLayer)
                    {
                        pendingChw = inT.Shape;
                        break;
                    }

                    string summary = $"Flatten '{Safe(flatten.Name)}' (line {flatten.Line}): {inT.Shape} -> {outT.Shape} in chw order.";
                    step = new ChwFlattenStep(method, summary, default, default, inT.Shape.Height, inT.Shape.Width, inT.Shape.Channels);
                    break;
                }

                case SoftmaxLayer:
                    endsWithSoftmax = true;
                    break;

                case QuantizeLayer quantize:
                {
                    string summary = $"Quantize '{Safe(quantize.Name)}' (line {quantize.Line}): {inT.Shape} float32 -> int8, scale {Invariant(quantize.Output.Scale)}, zero point {quantize.Output.ZeroPoint}.";
                    step = new QuantizeStep(method, summary, default, default, quantize.Output);
                    break;
                }

                case DequantizeLayer dequantize:
                {
                    var q = inT.Quant!.Value;
                    string summary = $"Dequantize '{Safe(dequantize.Name)}' (line {dequantize.Line}): {inT.Shape} int8 -> float32, scale {Invariant(q.Scale)}, zero point {q.ZeroPoint}.";
                    step = new DequantizeStep(method, summary, default, default, q);
                    break;
                }

                default:
                    throw new QModelFormatException(QModelError.UnknownOp, layer.Line, $"layer '{layer.Name}' has an op this generator does not support");
            }

            if (step is null)
            {
                continue;
            }

            // The new tensor is written at this step and read at the next one.
            int outId = arena.Request(Bytes(producedInfo), stepIndex, stepIndex + 1);
            arena.Touch(currentId, stepIndex);
            steps.Add((step, currentId, outId, scratch.ToArray(), producedInfo));
            currentId = outId;
        }

        var (offsets, total) = arena.Plan();
        var inputSlice = Slice(offsets[0], tensors[0]);
        var finalSteps = new List<StepPlan>();
        var previous = inputSlice;
        foreach (var (step, inputId, outputId, scratchIds, outputInfo) in steps)
        {
            var output = Slice(offsets[outputId], outputInfo);
            var placed = step with { Input = previous with { Offset = offsets[inputId] }, Output = output };
            placed = placed switch
            {
                Int8ConvStep c => c with { PatchOffset = offsets[scratchIds[0]], AccumulatorOffset = offsets[scratchIds[1]], MaximumOffset = offsets[scratchIds[2]] },
                Int8DenseStep d => d with { WideInputOffset = offsets[scratchIds[0]] },
                Int8BlockedConvStep b => b with { UnsignedInputOffset = offsets[scratchIds[0]], AccumulatorOffset = offsets[scratchIds[1]] },
                _ => placed,
            };
            finalSteps.Add(placed);
            previous = output;
        }

        var finalTensor = tensors[endsWithSoftmax ? tensors.Length - 2 : tensors.Length - 1];
        var outputSlice = new BufferSlice(previous.Offset, finalTensor.Shape.Length, finalTensor.Kind == ElementKind.Int8);

        return new ModelPlan(
            @namespace,
            model.Name,
            sourceFileName,
            model.InputShape.Height,
            model.InputShape.Width,
            model.InputShape.Channels,
            model.InputLayout,
            model.Preprocessing,
            model.InputQuant,
            PixelTable(model).ToEquatableArray(),
            model.Labels.ToEquatableArray(),
            model.Provenance.Select(p => p.Key + ": " + p.Value).ToEquatableArray(),
            inputSlice,
            finalSteps.ToEquatableArray(),
            outputSlice,
            finalTensor.Quant,
            endsWithSoftmax,
            total);
    }

    private static BufferSlice Slice(int offset, TensorInfo info) =>
        new(offset, info.Shape.Length, info.Kind == ElementKind.Int8);

    private static int Bytes(TensorInfo info) => info.Shape.Length * (info.Kind == ElementKind.Int8 ? 1 : 4);

    private static WindowGeometry Geometry(TensorShape input, TensorShape output, int kh, int kw, int sh, int sw, Padding padding) =>
        new(input.Height, input.Width, input.Channels, output.Height, output.Width, kh, kw, sh, sw,
            TensorChain.PaddingBefore(input.Height, kh, sh, padding), TensorChain.PaddingBefore(input.Width, kw, sw, padding));

    private static (ImmutableEquatableArray<int> Multipliers, ImmutableEquatableArray<int> Shifts) Multipliers(QuantParams input, float[] weightScales, QuantParams output)
    {
        var mults = new int[weightScales.Length];
        var shifts = new int[weightScales.Length];
        for (int c = 0; c < weightScales.Length; c++)
        {
            var m = Requantizer.MultiplierFor(input.Scale, weightScales[c], output.Scale);
            mults[c] = m.Multiplier;
            shifts[c] = m.Shift;
        }

        return (mults.ToEquatableArray(), shifts.ToEquatableArray());
    }

    private static float[] Pad(float[] values, int length)
    {
        var padded = new float[length];
        Array.Copy(values, padded, values.Length);
        return padded;
    }

    /// <summary>Raw pixel p to the first tensor: int8 q (as int) when the input is quantized, else the float's bits.</summary>
    private static int[] PixelTable(QModel model)
    {
        var table = new int[256];
        var pre = model.Preprocessing;
        for (int p = 0; p < 256; p++)
        {
            float scaled = p * pre.Scale;
            float x = scaled + pre.Offset;
            table[p] = model.InputQuant is { } q ? Quantizer.Quantize(x, q) : BitConverter.ToInt32(BitConverter.GetBytes(x), 0);
        }

        return table;
    }

    /// <summary>A C# identifier for the step method; the layer name is reduced to identifier characters.</summary>
    private static string MethodName(int index, string layerName)
    {
        var chars = layerName.Select(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_') ? c : '_').Take(40).ToArray();
        return "Step" + index.ToString("00", CultureInfo.InvariantCulture) + "_" + new string(chars);
    }

    /// <summary>Text from the model that goes into a comment: printable ASCII only, so it cannot end the comment line.</summary>
    public static string Safe(string text) => Emitting.Literals.Printable(text);

    private static string Invariant(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}

using System.Globalization;
using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;
using ModelCompiler.Generator.Planning.Lowering;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Lowers a validated <see cref="QModel"/> into a <see cref="ModelPlan"/>: <see cref="LayerFusion"/> decides what is fused,
/// each unit's lowering (<see cref="LoweringCatalog"/>) makes its step and names its scratch buffers, and the
/// <see cref="ArenaPlanner"/> places every tensor and scratch buffer by lifetime before the steps are made.
/// </summary>
internal static class ModelPlanner
{
    /// <exception cref="QModelFormatException">The layers do not chain (TensorChain's validation), or a layer has no lowering.</exception>
    public static ModelPlan Plan(QModel model, string @namespace, string sourceFileName)
    {
        var tensors = TensorChain.Infer(model);
        var (units, endsWithSoftmax) = LayerFusion.Group(model, tensors);
        var arena = new ArenaPlanner();

        // Step 0 writes the input; layer steps are numbered from 1; the step after the last reads the output.
        int currentId = arena.Request(Bytes(tensors[0]), 0, 1);
        var lowered = new List<(LoweredStep Step, string Method, int InputId, int OutputId, Dictionary<string, int> ScratchIds)>();
        foreach (var unit in units)
        {
            int stepIndex = lowered.Count + 1;
            var step = LoweringCatalog.LoweringFor(unit.Layer).Lower(unit);
            var scratchIds = step.Scratch.ToDictionary(s => s.Name, s => arena.Request(s.Bytes, stepIndex, stepIndex));

            // The new tensor is written at this step and read at the next one.
            int outputId = arena.Request(Bytes(step.Produced), stepIndex, stepIndex + 1);
            arena.Touch(currentId, stepIndex);
            lowered.Add((step, MethodName(stepIndex, unit.Layer.Name), currentId, outputId, scratchIds));
            currentId = outputId;
        }

        var (offsets, total) = arena.Plan();
        var input = Slice(offsets[0], tensors[0]);
        var steps = new List<StepPlan>();
        var previous = input;
        foreach (var (step, method, inputId, outputId, scratchIds) in lowered)
        {
            var output = Slice(offsets[outputId], step.Produced);
            steps.Add(step.Create(method, new StepBuffers(previous with { Offset = offsets[inputId] }, output, scratchIds.ToDictionary(s => s.Key, s => offsets[s.Value]))));
            previous = output;
        }

        var finalTensor = tensors[endsWithSoftmax ? tensors.Length - 2 : tensors.Length - 1];
        return new ModelPlan(
            @namespace,
            model.Name,
            sourceFileName,
            model.InputShape,
            model.InputLayout,
            model.Preprocessing,
            model.InputQuant,
            PixelTable(model).ToEquatableArray(),
            model.Labels.ToEquatableArray(),
            model.Provenance.Select(p => p.Key + ": " + p.Value).ToEquatableArray(),
            input,
            steps.ToEquatableArray(),
            new BufferSlice(previous.Offset, finalTensor.Shape.Length, finalTensor.Kind == ElementKind.Int8),
            finalTensor.Quant,
            endsWithSoftmax,
            total);
    }

    private static BufferSlice Slice(int offset, TensorInfo info) => new(offset, info.Shape.Length, info.Kind == ElementKind.Int8);

    private static int Bytes(TensorInfo info) => info.Shape.Length * (info.Kind == ElementKind.Int8 ? 1 : 4);

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
}

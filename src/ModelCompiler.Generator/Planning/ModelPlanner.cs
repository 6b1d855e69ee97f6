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
    /// <exception cref="QModelFormatException">The layers do not connect (TensorChain's validation), or a layer has no lowering.</exception>
    public static ModelPlan Plan(QModel model, string @namespace, string sourceFileName)
    {
        var graph = TensorChain.InferGraph(model);
        var tensors = graph.Tensors;
        var (units, aliases, endsWithSoftmax) = LayerFusion.Group(model, graph);
        var arena = new ArenaPlanner();

        // Step 0 writes the input; layer steps are numbered from 1; the step after the last reads the output. A tensor
        // is requested when its step writes it and lives until its last reader: the one after (a chain) or later ones
        // (a skip connection). Requests are made in the order a chain always made them, so a chain's plan is unchanged.
        var arenaIds = new Dictionary<int, int> { [0] = arena.Request(Bytes(tensors[0]), 0, 1) };
        int Buffer(int tensor) => arenaIds[Resolve(tensor, aliases)];
        var lowered = new List<(LoweredStep Step, string Method, int[] InputIds, int OutputId, Dictionary<string, int> ScratchIds)>();
        foreach (var unit in units)
        {
            int stepIndex = lowered.Count + 1;
            var step = LoweringCatalog.LoweringFor(unit.Unit.Layer).Lower(unit.Unit with { Rounding = unit.Unit.Layer.RoundingIn(model) });
            var scratchIds = step.Scratch.ToDictionary(s => s.Name, s => arena.Request(s.Bytes, stepIndex, stepIndex));
            int outputId = arena.Request(Bytes(step.Produced), stepIndex, stepIndex + 1);
            var inputIds = unit.Reads.Select(Buffer).ToArray();
            foreach (int id in inputIds)
            {
                arena.Touch(id, stepIndex);
            }

            arenaIds[unit.Writes] = outputId;
            lowered.Add((step, MethodName(stepIndex, unit.Unit.Layer.Name), inputIds, outputId, scratchIds));
        }

        // The API reads the output after the last step (a chain's last output already lives that long).
        int finalTensor = Resolve(graph.OutputTensor, aliases);
        arena.Touch(arenaIds[finalTensor], lowered.Count + 1);
        var (offsets, total) = arena.Plan();
        var slices = new Dictionary<int, BufferSlice> { [arenaIds[0]] = Slice(offsets[arenaIds[0]], tensors[0]) };
        var steps = new List<StepPlan>();
        foreach (var (step, method, inputIds, outputId, scratchIds) in lowered)
        {
            var output = Slice(offsets[outputId], step.Produced);
            slices[outputId] = output;
            var inputs = inputIds.Select(id => slices[id]).ToArray();
            steps.Add(step.Create(method, new StepBuffers(inputs, output, scratchIds.ToDictionary(s => s.Key, s => offsets[s.Value]))));
        }

        var input = slices[arenaIds[0]];
        var final = tensors[finalTensor];
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
            new BufferSlice(offsets[arenaIds[finalTensor]], final.Shape.Length, final.Kind == ElementKind.Int8),
            final.Quant,
            endsWithSoftmax,
            total);
    }

    /// <summary>The tensor whose buffer holds <paramref name="tensor"/> (itself unless a dropped layer made it).</summary>
    private static int Resolve(int tensor, IReadOnlyDictionary<int, int> aliases)
    {
        while (aliases.TryGetValue(tensor, out int source))
        {
            tensor = source;
        }

        return tensor;
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

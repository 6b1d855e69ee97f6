using ModelCompiler.Format;
using ModelCompiler.Generator.Pipeline;
using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// The memory plan of graphs: a tensor read by several layers stays intact until its last reader, buffers are reused
/// once their last reader has run, and the test graphs cover every feature the bit-exactness suite claims to test.
/// </summary>
public sealed class GraphPlanTests
{
    public static IEnumerable<object[]> Graphs =>
        Enumerable.Range(1, 40).Select(seed => new object[] { seed });

    /// <summary>
    /// Replays the plan over a map of which step last wrote each arena byte: every step must find each tensor it reads
    /// exactly as the step that wrote it left it (no later step wrote over any of its bytes).
    /// </summary>
    [Theory]
    [MemberData(nameof(Graphs))]
    public void NoStepOverwritesATensorBeforeItsLastReader(int seed)
    {
        var model = new GraphModels(seed) { SevenBitWeights = seed % 2 == 0 }.Random("Graph" + seed);
        var plan = Plan(model);
        var writer = new int[plan.ArenaBytes];
        var written = new Dictionary<int, BufferSlice> { [0] = plan.Input };
        Mark(writer, plan.Input, 0);
        for (int s = 0; s < plan.Steps.Count; s++)
        {
            var step = plan.Steps[s];
            foreach (var input in Reads(step))
            {
                int by = writer[input.Offset];
                Assert.True(written[by].Offset == input.Offset && Bytes(written[by]) >= Bytes(input), $"seed {seed}: step {step.MethodName} reads a tensor that is not there");
                for (int i = input.Offset; i < input.Offset + Bytes(input); i++)
                {
                    Assert.True(writer[i] == by, $"seed {seed}: step {step.MethodName} reads byte {i}, overwritten by step {writer[i]}");
                }
            }

            Mark(writer, step.Output, s + 1);
            written[s + 1] = step.Output;
        }
    }

    /// <summary>
    /// The inverted residual block: the stem's output (read by the expansion and, three steps later, by the addition
    /// fused into the projection) keeps its place while the block's wider tensors come and go, and the arena is smaller
    /// than all tensors together.
    /// </summary>
    [Fact]
    public void TheSkipTensorLivesUntilTheAdditionAndTheArenaIsShared()
    {
        var model = new GraphModels(5).InvertedResidual();
        var plan = Plan(model);
        Assert.Empty(plan.Steps.OfType<Int8AddStep>());
        var project = Assert.Single(plan.Steps.OfType<Int8BlockedConvStep>(), s => s.Add is not null);
        var stem = plan.Steps[0].Output;
        Assert.Equal(stem, project.Add!.Skip);
        Assert.True(project.Add.ConvIsFirst);
        int tensors = plan.Steps.Sum(s => Bytes(s.Output)) + Bytes(plan.Input);
        Assert.True(plan.ArenaBytes < tensors, $"arena {plan.ArenaBytes} bytes, tensors {tensors} bytes");
        foreach (var step in plan.Steps.Skip(1).TakeWhile(s => s != project).Append(project))
        {
            Assert.False(Overlap(step.Output, stem), $"{step.MethodName} writes over the skip tensor");
        }
    }

    /// <summary>
    /// An addition is fused into the convolution before it only when that convolution's output has no other reader and
    /// the addition reads another tensor; the fused step carries the addition's constants in the layer's input order.
    /// </summary>
    [Fact]
    public void AnAdditionIsFusedOnlyIntoAConvolutionItAloneReads()
    {
        var plans = Enumerable.Range(1, 40).Select(seed => (Model: new GraphModels(seed) { SevenBitWeights = seed % 2 == 0 }.Random("Graph" + seed), Seed: seed))
            .Select(m => (m.Model, Plan: Plan(m.Model))).ToList();
        var fused = plans.SelectMany(p => p.Plan.Steps.OfType<Int8BlockedConvStep>()).Where(s => s.Add is not null).ToList();
        Assert.Contains(fused, s => s.Add!.ConvIsFirst);
        Assert.Contains(fused, s => !s.Add!.ConvIsFirst);
        Assert.Contains(fused, s => s.Add!.Activation.ToString() == nameof(Activation.Relu6));
        foreach (var (model, plan) in plans)
        {
            var graph = TensorChain.InferGraph(model);
            int adds = model.Layers.Count(l => l is AddLayer);
            int fusible = Enumerable.Range(1, model.Layers.Count - 1).Count(i => model.Layers[i] is AddLayer && model.Layers[i - 1] is Conv2DLayer
                && graph.InputsOf(i).Distinct().Count() == 2 && graph.InputsOf(i).Contains(ModelGraph.OutputOf(i - 1)) && graph.ConsumersOf(ModelGraph.OutputOf(i - 1)).Count == 1);
            Assert.Equal(fusible, plan.Steps.OfType<Int8BlockedConvStep>().Count(s => s.Add is not null));
            Assert.Equal(adds - fusible, plan.Steps.OfType<Int8AddStep>().Count());
        }

        Assert.Contains(plans, p => p.Plan.Steps.OfType<Int8AddStep>().Any());
    }

    /// <summary>GraphBitExactnessTests' float addition model compiles its addition as a float32 step with the fused activation.</summary>
    [Fact]
    public void TheFloatAdditionModelHasAFloatAddStep()
    {
        var add = Assert.Single(Plan(new GraphModels(82).FloatAddition(Activation.Relu6)).Steps.OfType<FloatAddStep>());
        Assert.Equal(nameof(Activation.Relu6), add.Activation.ToString());
        Assert.False(add.Input.IsInt8 || add.Second.IsInt8 || add.Output.IsInt8);
    }

    /// <summary>What GraphBitExactnessTests' models contain, so that the suite tests what it claims.</summary>
    [Fact]
    public void TheTestGraphsCoverEveryNewOperatorCase()
    {
        var models = Enumerable.Range(1, 16).Select(seed => new GraphModels(seed) { SevenBitWeights = seed % 2 == 0 }.Random("Graph" + seed))
            .Append(new GraphModels(1).InvertedResidual()).ToList();
        var layers = models.SelectMany(m => m.Layers).ToList();
        var depthwise = layers.OfType<DepthwiseConv2DLayer>().ToList();
        Assert.Contains(depthwise, d => d.StrideHeight == 1);
        Assert.Contains(depthwise, d => d.StrideHeight == 2 || d.StrideWidth == 2);
        Assert.Contains(depthwise, d => d.Padding == Padding.Same);
        Assert.Contains(depthwise, d => d.Padding == Padding.Valid && d.KernelHeight > 1);
        Assert.Contains(depthwise, d => d.Channels % 2 == 1);
        Assert.Contains(depthwise, d => d.Channels > 16 && d.Channels % 16 != 0);
        Assert.Contains(depthwise, d => d.Activation == Activation.Relu6);
        Assert.Contains(layers.OfType<Conv2DLayer>(), c => c.Activation == Activation.Relu6 && c.KernelHeight == 1 && ((Int8Weights)c.Weights).WeightBits == Int8Weights.ReducedBits);
        Assert.Contains(layers.OfType<Conv2DLayer>(), c => c.KernelHeight == 1 && ((Int8Weights)c.Weights).WeightBits == Int8Weights.FullBits);
        Assert.Contains(layers.OfType<DenseLayer>(), d => d.Activation == Activation.Relu6);

        var ratios = new List<(double Inputs, double Output)>();
        foreach (var model in models)
        {
            var graph = TensorChain.InferGraph(model);
            for (int i = 0; i < model.Layers.Count; i++)
            {
                if (model.Layers[i] is AddLayer add)
                {
                    var (a, b) = (graph.Tensors[graph.InputsOf(i)[0]].Quant!.Value, graph.Tensors[graph.InputsOf(i)[1]].Quant!.Value);
                    ratios.Add((a.Scale / b.Scale, add.OutputQuant!.Value.Scale / Math.Max(a.Scale, b.Scale)));
                }
            }

        }

        Assert.True(models.Count(m => TensorChain.InferGraph(m) is var g && Enumerable.Range(0, g.OutputTensor).Any(t => g.ConsumersOf(t).Count >= 2)) >= 8, "few tensors with two readers");

        Assert.Contains(ratios, r => r.Inputs > 1);
        Assert.Contains(ratios, r => r.Inputs < 1);
        Assert.Contains(ratios, r => r.Output > 1);
        Assert.Contains(ratios, r => r.Output < 1);
        Assert.Contains(layers.OfType<AddLayer>(), a => a.Activation == Activation.Relu6);
        Assert.Contains(layers.OfType<AddLayer>(), a => a.Inputs[0] == a.Inputs[1]);
    }

    private static ModelPlan Plan(QModel model) =>
        ModelCompilation.Plan(new ModelSource("/m/" + model.Name + ".qmodel", QModelWriter.Write(model), "N", NotUtf8Line: 0), CancellationToken.None).Plan!;

    private static IEnumerable<BufferSlice> Reads(StepPlan step) => step switch
    {
        Int8AddStep add => [add.Input, add.Second],
        FloatAddStep add => [add.Input, add.Second],
        Int8BlockedConvStep { Add: { } add } conv => [conv.Input, add.Skip],
        _ => [step.Input],
    };

    private static void Mark(int[] writer, BufferSlice slice, int step) => Array.Fill(writer, step, slice.Offset, Bytes(slice));

    private static int Bytes(BufferSlice slice) => slice.Length * (slice.IsInt8 ? 1 : 4);

    private static bool Overlap(BufferSlice a, BufferSlice b) => a.Offset < b.Offset + Bytes(b) && b.Offset < a.Offset + Bytes(a);
}

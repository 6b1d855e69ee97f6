using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// A random small model built in memory, with the float reference network that is its dequantized twin and the
/// features it exercises (for the coverage assertion). The reference is a graph too: each step reads the reference
/// tensors it names (0 is the raw input, step k produces tensor k + 1).
/// </summary>
internal sealed class RandomTestModel(QModel model, IReadOnlyList<ReferenceNode> steps, IReadOnlySet<string> features, string description)
{
    public QModel Model { get; } = model;

    public IReadOnlySet<string> Features { get; } = features;

    public string Description { get; } = description;

    /// <summary>A random input, HWC, uniform in [-1, 1].</summary>
    public static float[] RandomInput(Random random, TensorShape shape)
    {
        var x = new float[shape.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return x;
    }

    /// <summary>The input in the order the model expects (its InputLayout), from HWC.</summary>
    public float[] InCallerLayout(float[] hwc)
    {
        if (Model.InputLayout == InputLayout.Hwc)
        {
            return hwc;
        }

        var shape = Model.InputShape;
        var chw = new float[hwc.Length];
        for (int h = 0; h < shape.Height; h++)
        {
            for (int w = 0; w < shape.Width; w++)
            {
                for (int c = 0; c < shape.Channels; c++)
                {
                    chw[((c * shape.Height) + h) * shape.Width + w] = hwc[((h * shape.Width) + w) * shape.Channels + c];
                }
            }
        }

        return chw;
    }

    /// <summary>The reference's pre-softmax output and its error bound for an HWC input.</summary>
    public ReferenceTensor Reference(float[] hwc) => Run(steps, hwc, Model.InputShape);

    public static ReferenceTensor Run(IEnumerable<ReferenceNode> steps, float[] hwc, TensorShape shape)
    {
        var tensors = new List<ReferenceTensor> { new(shape, hwc.Select(v => (double)v).ToArray(), new double[hwc.Length]) };
        foreach (var node in steps)
        {
            tensors.Add(node.Step.Forward(node.Reads.Select(t => tensors[t]).ToArray()));
        }

        return tensors[^1];
    }
}

/// <summary>One step of the reference graph and the reference tensors it reads.</summary>
internal sealed record ReferenceNode(ReferenceStep Step, int[] Reads);

using CsCheck;
using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// CsCheck generator of small VALID models (they pass <see cref="TensorChain.Infer"/>) that, over many samples,
/// cover every op, precision (int8 with 8-bit and with 7-bit weights), padding, activation, flatten order, input layout, with and without input
/// quantization, and awkward values: float bit patterns from subnormals to huge, -0, labels with quotes,
/// backslashes, control characters and non-BMP characters. Size grows with layers and weights, so CsCheck shrinks
/// towards small models.
/// </summary>
public static class RandomModels
{
    /// <summary>Valid models of every op and precision.</summary>
    public static readonly Gen<QModel> Valid = new ModelGen();

    /// <summary>One valid model drawn from <paramref name="pcg"/> (for seeded, deterministic tests).</summary>
    public static QModel Create(PCG pcg) => new RandomModelBuilder(pcg).Build();

    private sealed class ModelGen : Gen<QModel>
    {
        public override QModel Generate(PCG pcg, Size? min, out Size size)
        {
            var model = Create(pcg);
            long weights = 0;
            foreach (var layer in model.Layers)
            {
                weights += layer switch
                {
                    Conv2DLayer c => c.Weights.WeightCount,
                    DenseLayer d => d.Weights.WeightCount,
                    _ => 0,
                };
            }

            size = new Size((ulong)((model.Layers.Count * 1000L) + weights + model.Labels.Count + model.Provenance.Count));
            return model;
        }
    }
}

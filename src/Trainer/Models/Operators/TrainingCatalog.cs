using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary>The layer kinds of the trainer, one line each; adding one is a file in <c>Models/Operators/</c> and a line here.</summary>
internal static class TrainingCatalog
{
    public static readonly TrainingOperator[] All =
    [
        new Conv2DTraining(),
        new DepthwiseConv2DTraining(),
        Pool2DTraining.Max,
        Pool2DTraining.Average,
        new GlobalAveragePoolTraining(),
        new FlattenTraining(),
        new PadTraining(),
        new DenseTraining(),
        new DropoutTraining(),
        new AddTraining(),
    ];

    public static TrainingOperator Of(LayerKind kind) =>
        All.FirstOrDefault(o => o.Kind == kind) ?? throw new QModelFormatException(QModelError.UnknownOp, 0, $"layer kind {kind} is unknown");

    /// <summary>Layer names a <c>--layer-types</c> selection may use: the JSON type of each kind with weights.</summary>
    public static IEnumerable<string> WeightedTypeNames => All.Where(o => o.HasWeights).Select(o => LayerSpec.TypeName(o.Kind));
}

using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// Everything the trainer knows about one <see cref="LayerKind"/> of a model description: its checks, the shape it
/// produces, the <see cref="NetworkLayer"/> that runs it in a <see cref="GraphNetwork"/> (float, fake-quantized,
/// exported), and which description layer a <c>.qmodel</c> layer stands for. One instance per kind, listed in
/// <see cref="TrainingCatalog"/>; nothing else in the trainer names a kind.
/// </summary>
internal abstract class TrainingOperator
{
    public abstract LayerKind Kind { get; }

    /// <summary>Name stem of layers the description leaves unnamed: conv gives conv1, conv2, ...</summary>
    public abstract string NamePrefix { get; }

    /// <summary>True for layers with weights: they have a precision, activation observers and quantized constants.</summary>
    public virtual bool HasWeights => false;

    /// <summary>How many tensors the layer reads (an addition two); a layer reading several names them in its <c>inputs</c>.</summary>
    public virtual int InputCount => 1;

    /// <summary>True for kinds that may carry <c>"batch_norm": true</c> (a batch normalization folded into them).</summary>
    public virtual bool AcceptsBatchNorm => false;

    /// <summary>The stride when the description gives none (Keras: the window for pools).</summary>
    public virtual int DefaultStride(LayerSpec layer) => layer.Pool;

    /// <summary>Throws <see cref="ModelDescriptionException"/> for fields this kind needs and the layer lacks.</summary>
    public virtual void Validate(LayerSpec layer, string source)
    {
    }

    /// <summary>The layer's output shape, with the Runtime's rules (a <see cref="QModelFormatException"/> names the problem).</summary>
    public abstract TensorShape OutputShape(LayerSpec layer, TensorShape input);

    /// <summary>The output shape from every input's shape; kinds that read one tensor need only the other overload.</summary>
    public virtual TensorShape OutputShape(LayerSpec layer, IReadOnlyList<TensorShape> inputs) => OutputShape(layer, inputs[0]);

    /// <summary>The layer at work in a network, its modules created now (in description order: the seed decides their initial weights).</summary>
    public abstract NetworkLayer Build(LayerSpec layer, TensorShape input);

    /// <summary>The description layer that <paramref name="layer"/> is the export of, or null when this kind does not export it.</summary>
    public virtual LayerSpec? Import(Layer layer) => null;

    protected static TensorShape RequireImage(TensorShape input, LayerSpec layer) => input.IsVector
        ? throw new QModelFormatException(QModelError.ShapeMismatch, 0, $"layer '{layer.Name}' needs an image input but receives {input}")
        : input;

    /// <summary>The output of a square window (kernel or pool) sliding over an image.</summary>
    protected static TensorShape Window(TensorShape input, LayerSpec layer, int window, int channels)
    {
        RequireImage(input, layer);
        var padding = layer.PaddingMode;
        if (padding == Padding.Valid && (window > input.Height || window > input.Width))
        {
            throw new QModelFormatException(QModelError.ShapeMismatch, 0, $"layer '{layer.Name}': window {window} is larger than its input {input}");
        }

        int stride = layer.EffectiveStride;
        return TensorShape.Image(
            TensorChain.OutputSize(input.Height, window, stride, padding),
            TensorChain.OutputSize(input.Width, window, stride, padding),
            channels);
    }
}

namespace ModelCompiler.Format;

/// <summary>
/// Everything the format knows about one operator: its word in the file, the attributes and data blocks its layers
/// carry, how a layer is read from them and written back, and the tensor a layer produces from its inputs (shape
/// inference with validation). One instance per op, listed in <see cref="OperatorCatalog"/>; nothing else in the
/// format names an op.
/// </summary>
internal abstract class LayerOperator
{
    private readonly string[] _attributes;

    protected LayerOperator(LayerOp op, string word, string[] attributes, bool hasBlocks = false)
    {
        Op = op;
        Word = word;
        _attributes = attributes;
        HasBlocks = hasBlocks;
    }

    public LayerOp Op { get; }

    /// <summary>The op's spelling in <c>layer &lt;name&gt; &lt;op&gt;</c>.</summary>
    public string Word { get; }

    /// <summary>Attribute keys a layer of this op may carry, in the order the writer emits them (the reader takes any order).</summary>
    public IReadOnlyList<string> Attributes => _attributes;

    /// <summary>True when the layer carries <c>weights</c>, <c>weight_scales</c> and <c>bias</c> data blocks.</summary>
    public bool HasBlocks { get; }

    /// <summary>True for an op that may only end the model (softmax).</summary>
    public virtual bool OnlyLast => false;

    /// <summary>How many tensors a layer of this op reads (the length of its <c>inputs</c>).</summary>
    public virtual int InputCount => 1;

    /// <summary>The first format version that has this op: a <c>qmodel 1</c> file holds only the ops of version 1.</summary>
    public virtual int SinceVersion => 1;

    /// <summary>Builds the layer from its attribute lines and data blocks (the reader has checked which keys occur).</summary>
    public abstract Layer Read(LayerFields fields);

    /// <summary>Writes the attribute lines and data blocks of <paramref name="layer"/> (between its header and <c>end</c>).</summary>
    public abstract void Write(LayerTextWriter writer, Layer layer);

    /// <summary>
    /// The output tensor of <paramref name="layer"/> given the tensors it reads, or a <see cref="QModelFormatException"/>
    /// naming the layer's line. <paramref name="inputs"/> has <see cref="InputCount"/> tensors, in the order the layer
    /// names them (most ops read one: <see cref="UnaryOperator{TLayer}"/>).
    /// </summary>
    public abstract TensorInfo Infer(Layer layer, IReadOnlyList<TensorInfo> inputs);

    public bool Accepts(string key) => Array.IndexOf(_attributes, key) >= 0;
}

/// <summary>An operator whose layers are <typeparamref name="TLayer"/>.</summary>
internal abstract class LayerOperator<TLayer>(LayerOp op, string word, string[] attributes, bool hasBlocks = false)
    : LayerOperator(op, word, attributes, hasBlocks)
    where TLayer : Layer
{
    public sealed override void Write(LayerTextWriter writer, Layer layer)
    {
        if (layer is not TLayer typed)
        {
            throw OperatorCatalog.Unsupported(layer);
        }

        Write(writer, typed);
    }

    public sealed override TensorInfo Infer(Layer layer, IReadOnlyList<TensorInfo> inputs) => layer is TLayer typed
        ? Infer(typed, inputs)
        : throw OperatorCatalog.Unsupported(layer);

    /// <summary>Writes the layer's attributes and blocks; an op without any writes nothing.</summary>
    protected virtual void Write(LayerTextWriter writer, TLayer layer)
    {
    }

    protected abstract TensorInfo Infer(TLayer layer, IReadOnlyList<TensorInfo> inputs);
}

/// <summary>An operator that reads exactly one tensor, the previous layer's output.</summary>
internal abstract class UnaryOperator<TLayer>(LayerOp op, string word, string[] attributes, bool hasBlocks = false)
    : LayerOperator<TLayer>(op, word, attributes, hasBlocks)
    where TLayer : Layer
{
    protected sealed override TensorInfo Infer(TLayer layer, IReadOnlyList<TensorInfo> inputs) => Infer(layer, inputs[0]);

    protected abstract TensorInfo Infer(TLayer layer, TensorInfo input);
}

namespace ModelCompiler.Format;

/// <summary>One layer of a sequential model. <see cref="Line"/> is where it starts in the file (0 if built in memory).</summary>
public abstract class Layer(string name)
{
    public string Name { get; } = name;
    public int Line { get; init; }
    public abstract LayerOp Op { get; }
}

namespace ModelCompiler.Format;

/// <summary>
/// The tensors of a validated model and how they connect (<see cref="TensorChain.InferGraph"/>). Tensor 0 is the model
/// input and tensor <c>i + 1</c> the output of layer <c>i</c>, so a tensor is named by the layer that produces it
/// (<see cref="InputName"/> for the model input). Each layer reads earlier tensors only, so the layers' order is an
/// execution order, and the last layer's output is the model's.
/// </summary>
public sealed class ModelGraph
{
    /// <summary>The name by which a layer's <see cref="Layer.Inputs"/> refers to the model input.</summary>
    public const string InputName = "input";

    private readonly TensorInfo[] _tensors;
    private readonly string[] _names;
    private readonly int[][] _inputs;
    private readonly int[][] _consumers;

    internal ModelGraph(TensorInfo[] tensors, string[] names, int[][] inputs)
    {
        _tensors = tensors;
        _names = names;
        _inputs = inputs;
        var consumers = new List<int>[tensors.Length];
        for (int t = 0; t < consumers.Length; t++)
        {
            consumers[t] = [];
        }

        bool sequential = true;
        for (int layer = 0; layer < inputs.Length; layer++)
        {
            sequential &= inputs[layer].Length == 1 && inputs[layer][0] == layer;
            foreach (int t in inputs[layer])
            {
                var readers = consumers[t];
                if (readers.Count == 0 || readers[readers.Count - 1] != layer)
                {
                    readers.Add(layer);
                }
            }
        }

        _consumers = Array.ConvertAll(consumers, c => c.ToArray());
        IsSequential = sequential;
    }

    /// <summary>The model input, then each layer's output: <c>Layers.Count + 1</c> tensors.</summary>
    public IReadOnlyList<TensorInfo> Tensors => _tensors;

    /// <summary>Number of layers (one fewer than tensors).</summary>
    public int LayerCount => _inputs.Length;

    /// <summary>The model's output: the last layer's.</summary>
    public int OutputTensor => _tensors.Length - 1;

    /// <summary>True when every layer reads exactly the previous layer's output (the first: the model input), as in format version 1.</summary>
    public bool IsSequential { get; }

    /// <summary>The tensors layer <paramref name="layer"/> reads, in the order its inputs name them.</summary>
    public IReadOnlyList<int> InputsOf(int layer) => _inputs[layer];

    /// <summary>The layers that read tensor <paramref name="tensor"/>, ascending, each once (a layer may name a tensor twice).</summary>
    public IReadOnlyList<int> ConsumersOf(int tensor) => _consumers[tensor];

    /// <summary>The last layer that reads <paramref name="tensor"/>, or -1 for the model output (which no layer reads).</summary>
    public int LastConsumerOf(int tensor)
    {
        var readers = _consumers[tensor];
        return readers.Length == 0 ? -1 : readers[readers.Length - 1];
    }

    /// <summary><see cref="InputName"/> for tensor 0, else the name of the layer producing it.</summary>
    public string NameOf(int tensor) => _names[tensor];

    /// <summary>The tensor layer <paramref name="layer"/> produces.</summary>
    public static int OutputOf(int layer) => layer + 1;

    /// <summary>The layer producing <paramref name="tensor"/>, or -1 for the model input.</summary>
    public static int ProducerOf(int tensor) => tensor - 1;

    internal TensorInfo[] TensorArray => _tensors;

    /// <summary>
    /// The names layer <paramref name="position"/> reads as written: its <see cref="Layer.Inputs"/>, or, when empty, the
    /// previous layer's name (<see cref="InputName"/> for the first layer). No validation: the writer uses it.
    /// </summary>
    internal static IReadOnlyList<string> InputNames(IReadOnlyList<Layer> layers, int position) =>
        layers[position].Inputs.Count > 0 ? layers[position].Inputs : [position == 0 ? InputName : layers[position - 1].Name];

    /// <summary>
    /// Whether the layers, as given, form a chain: each reads nothing named, or exactly the previous layer (the model
    /// input for the first). <see cref="InputName"/> always means the model input, so a layer named so breaks the chain.
    /// No validation: the writer uses it to choose the format version.
    /// </summary>
    internal static bool IsChain(IReadOnlyList<Layer> layers)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            var inputs = layers[i].Inputs;
            if (inputs.Count == 0)
            {
                continue;
            }

            string previous = i == 0 ? InputName : layers[i - 1].Name;
            if (inputs.Count != 1 || inputs[0] != previous || (i > 0 && previous == InputName))
            {
                return false;
            }
        }

        return true;
    }
}

namespace ModelCompiler.Trainer.Models;

/// <summary>
/// How the layers of a <see cref="ModelDescription"/> connect: tensor 0 is the model input, tensor <c>i + 1</c> the output
/// of layer <c>i</c> (as in the Runtime's <c>ModelGraph</c>). A layer reads the tensors its <see cref="LayerSpec.Inputs"/>
/// names (<c>input</c> or an earlier layer), or the previous layer's output when it names none.
/// </summary>
public static class DescriptionGraph
{
    /// <summary>The name by which <see cref="LayerSpec.Inputs"/> refers to the model input.</summary>
    public const string InputName = Format.ModelGraph.InputName;

    /// <summary>The tensors each layer reads; throws <see cref="ModelDescriptionException"/> naming the layer for a bad reference.</summary>
    public static int[][] Inputs(IReadOnlyList<LayerSpec> layers, string source)
    {
        var tensorOf = new Dictionary<string, int>(StringComparer.Ordinal) { [InputName] = 0 };
        var result = new int[layers.Count][];
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            int arity = TrainingCatalog.Of(layer.Kind).InputCount;
            string[] names = layer.Inputs ?? [];
            if (names.Length == 0)
            {
                if (arity != 1)
                {
                    throw new ModelDescriptionException($"{source}: {LayerSpec.TypeName(layer.Kind)} layer '{layer.Name}' reads {arity} tensors and must name them in \"inputs\"");
                }

                result[i] = [i];
            }
            else
            {
                if (names.Length != arity)
                {
                    throw new ModelDescriptionException(
                        $"{source}: {LayerSpec.TypeName(layer.Kind)} layer '{layer.Name}' reads {arity} tensor{(arity == 1 ? "" : "s")} but \"inputs\" names {names.Length}");
                }

                result[i] = names.Select(name => tensorOf.TryGetValue(name ?? "", out int t)
                    ? t
                    : throw new ModelDescriptionException(layers.Any(l => l.Name == name)
                        ? $"{source}: layer '{layer.Name}' reads '{name}', which comes after it (a layer may read the model input and earlier layers only)"
                        : $"{source}: layer '{layer.Name}' reads '{name}', which is neither 'input' nor the name of a layer")).ToArray();
            }

            if (layer.Name == InputName)
            {
                throw new ModelDescriptionException($"{source}: a layer may not be named '{InputName}' (it means the model input)");
            }

            tensorOf[layer.Name!] = i + 1;
        }

        return result;
    }

    /// <summary>True when every layer reads the previous layer's output (a Keras Sequential model).</summary>
    public static bool IsChain(int[][] inputs) => inputs.Select((t, i) => t.Length == 1 && t[0] == i).All(x => x);
}

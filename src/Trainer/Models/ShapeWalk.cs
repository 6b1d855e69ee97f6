using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary>Shape of every tensor of a description, with the Runtime's padding rules (<see cref="TensorChain"/>).</summary>
public static class ShapeWalk
{
    /// <summary>Returns <c>Layers.Length + 1</c> shapes: the input, then each layer's output (see <see cref="DescriptionGraph"/>).</summary>
    public static TensorShape[] Shapes(ModelDescription model)
    {
        var inputs = DescriptionGraph.Inputs(model.Layers, model.Name);
        var shapes = new TensorShape[model.Layers.Length + 1];
        shapes[0] = TensorShape.Image(model.InputHeight, model.InputWidth, model.InputChannels);
        for (int i = 0; i < model.Layers.Length; i++)
        {
            var layer = model.Layers[i];
            shapes[i + 1] = TrainingCatalog.Of(layer.Kind).OutputShape(layer, inputs[i].Select(t => shapes[t]).ToArray());
        }

        return shapes;
    }
}

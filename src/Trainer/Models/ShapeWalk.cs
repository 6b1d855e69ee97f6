using ModelCompiler.Format;

namespace ModelCompiler.Trainer.Models;

/// <summary>Input shape of every layer of a description, with the Runtime's padding rules (<see cref="TensorChain"/>).</summary>
public static class ShapeWalk
{
    /// <summary>Returns <c>Layers.Length + 1</c> shapes: the input, then each layer's output.</summary>
    public static TensorShape[] Shapes(ModelDescription model)
    {
        var shapes = new TensorShape[model.Layers.Length + 1];
        shapes[0] = TensorShape.Image(model.InputHeight, model.InputWidth, model.InputChannels);
        for (int i = 0; i < model.Layers.Length; i++)
        {
            var layer = model.Layers[i];
            shapes[i + 1] = TrainingCatalog.Of(layer.Kind).OutputShape(layer, shapes[i]);
        }

        return shapes;
    }
}

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
            var s = shapes[i];
            var l = model.Layers[i];
            shapes[i + 1] = l.Kind switch
            {
                LayerKind.Conv2D => Window(s, l, l.Kernel, l.Filters),
                LayerKind.MaxPool2D or LayerKind.AvgPool2D => Window(s, l, l.Pool, s.Channels),
                LayerKind.GlobalAvgPool => Image(s, l) is var g ? TensorShape.Vector(g.Channels) : s,
                LayerKind.Flatten => TensorShape.Vector(Image(s, l).Length),
                LayerKind.Dense => s.IsVector
                    ? TensorShape.Vector(l.Units)
                    : throw new QModelFormatException(QModelError.ShapeMismatch, 0, $"dense layer '{l.Name}' needs a flat input but receives {s}; add a flatten layer"),
                LayerKind.Dropout => s,
                _ => throw new QModelFormatException(QModelError.UnknownOp, 0, $"layer '{l.Name}' has an unknown type"),
            };
        }

        return shapes;
    }

    private static TensorShape Image(TensorShape s, LayerSpec l) => s.IsVector
        ? throw new QModelFormatException(QModelError.ShapeMismatch, 0, $"layer '{l.Name}' needs an image input but receives {s}")
        : s;

    private static TensorShape Window(TensorShape s, LayerSpec l, int window, int channels)
    {
        Image(s, l);
        var padding = l.PaddingMode;
        if (padding == Padding.Valid && (window > s.Height || window > s.Width))
        {
            throw new QModelFormatException(QModelError.ShapeMismatch, 0, $"layer '{l.Name}': window {window} is larger than its input {s}");
        }

        int stride = l.EffectiveStride;
        return TensorShape.Image(
            TensorChain.OutputSize(s.Height, window, stride, padding),
            TensorChain.OutputSize(s.Width, window, stride, padding),
            channels);
    }
}

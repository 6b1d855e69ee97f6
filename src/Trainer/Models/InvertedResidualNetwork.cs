namespace ModelCompiler.Trainer.Models;

/// <summary>
/// MobileNetV2-style descriptions (Sandler et al. 2018): a strided 3x3 stem, inverted residual blocks (1x1 expansion,
/// 3x3 depthwise, 1x1 linear projection, each with batch normalization and ReLU6 but the projection, and a residual
/// addition when the block keeps the shape), a 1x1 head, global average pooling, dropout and the class logits.
/// Channel counts are scaled by a width multiplier and rounded to multiples of 8, as MobileNet's <c>_make_divisible</c>.
/// </summary>
public static class InvertedResidualNetwork
{
    /// <summary>One block: expansion factor (1: no expansion layer), output channels before the width multiplier, stride.</summary>
    public readonly record struct Block(int Expansion, int Channels, int Stride);

    /// <summary>The description; layer names are stem, b1_expand, b1_dw, b1_project, b1_add, ..., head, gap, dropout1, logits.</summary>
    public static ModelDescription Describe(
        string name, int[] input, int stemChannels, int stemStride, IReadOnlyList<Block> blocks, int headChannels, int classes, double width, double dropout)
    {
        if (!(width > 0 && width <= 4))
        {
            throw new ModelDescriptionException($"{name}: the width multiplier must be in (0, 4], not {width}");
        }

        int channels = Scaled(stemChannels, width);
        var layers = new List<LayerSpec>
        {
            Conv("stem", channels, 3, stemStride, "relu6"),
        };
        string blockInput = "stem";
        for (int b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            string prefix = $"b{b + 1}_";
            int outputs = Scaled(block.Channels, width);
            if (block.Expansion != 1)
            {
                layers.Add(Conv(prefix + "expand", channels * block.Expansion, 1, 1, "relu6"));
            }

            layers.Add(new LayerSpec
            {
                Kind = LayerKind.DepthwiseConv2D, Name = prefix + "dw", Kernel = 3, Stride = block.Stride, Padding = "same", BatchNorm = true, Activation = "relu6",
            });
            layers.Add(Conv(prefix + "project", outputs, 1, 1, "none"));
            if (block.Stride == 1 && outputs == channels)
            {
                layers.Add(new LayerSpec { Kind = LayerKind.Add, Name = prefix + "add", Inputs = [blockInput, prefix + "project"] });
            }

            blockInput = layers[^1].Name!;
            channels = outputs;
        }

        layers.Add(Conv("head", Scaled(headChannels, width), 1, 1, "relu6"));
        layers.Add(new LayerSpec { Kind = LayerKind.GlobalAvgPool, Name = "gap" });
        layers.Add(new LayerSpec { Kind = LayerKind.Dropout, Name = "dropout1", Rate = dropout });
        layers.Add(new LayerSpec { Kind = LayerKind.Dense, Name = "logits", Units = classes });
        return new ModelDescription { Name = name, Input = input, Layers = [.. layers] }.Validated(name);
    }

    /// <summary>MobileNet's rounding: the nearest multiple of 8, at least 8, and not more than 10 % below the scaled count.</summary>
    public static int Scaled(int channels, double width)
    {
        double v = channels * width;
        int rounded = Math.Max(8, (int)(v + 4) / 8 * 8);
        return rounded < 0.9 * v ? rounded + 8 : rounded;
    }

    private static LayerSpec Conv(string name, int filters, int kernel, int stride, string activation) => new()
    {
        Kind = LayerKind.Conv2D, Name = name, Filters = filters, Kernel = kernel, Stride = stride, Padding = "same", BatchNorm = true, Activation = activation,
    };
}

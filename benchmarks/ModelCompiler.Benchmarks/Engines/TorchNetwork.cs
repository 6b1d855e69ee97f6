using ModelCompiler.Format;
using ModelCompiler.Onnx;
using Padding = ModelCompiler.Format.Padding;
using static TorchSharp.torch;

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>
/// The .qmodel's network as TorchSharp modules in float (NCHW), with the dequantized weights the float ONNX export
/// also uses, so the two float peers compute the same function. Covers what the benchmarked models use: conv with
/// valid or symmetric same padding, max/average pool without padding, (c, h, w) flatten, dense, softmax.
/// </summary>
public static class TorchNetwork
{
    public static nn.Module<Tensor, Tensor> Build(QModel model)
    {
        var tensors = TensorChain.Infer(model);
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var before = tensors[i];
            switch (layer)
            {
                case Conv2DLayer conv:
                {
                    var module = nn.Conv2d(
                        before.Shape.Channels, conv.Filters, (conv.KernelHeight, conv.KernelWidth),
                        stride: (conv.StrideHeight, conv.StrideWidth), padding: SymmetricPadding(conv));
                    Load(module.weight!, module.bias!, conv.Weights, before.Quant, [conv.Filters, before.Shape.Channels, conv.KernelHeight, conv.KernelWidth]);
                    modules.Add((layer.Name, module));
                    AddActivation(modules, layer.Name, conv.Activation);
                    break;
                }

                case DenseLayer dense:
                {
                    var module = nn.Linear(before.Shape.Length, dense.Units);
                    Load(module.weight!, module.bias!, dense.Weights, before.Quant, [dense.Units, before.Shape.Length]);
                    modules.Add((layer.Name, module));
                    AddActivation(modules, layer.Name, dense.Activation);
                    break;
                }

                case Pool2DLayer pool when pool.Padding == Padding.Valid:
                    modules.Add((layer.Name, pool.IsMax
                        ? nn.MaxPool2d((pool.PoolHeight, pool.PoolWidth), (pool.StrideHeight, pool.StrideWidth))
                        : nn.AvgPool2d((pool.PoolHeight, pool.PoolWidth), (pool.StrideHeight, pool.StrideWidth))));
                    break;
                case FlattenLayer { Order: FlattenOrder.Chw }:
                    modules.Add((layer.Name, nn.Flatten()));
                    break;
                case GlobalAveragePoolLayer:
                    modules.Add((layer.Name, nn.AdaptiveAvgPool2d(1)));
                    modules.Add((layer.Name + "_flatten", nn.Flatten()));
                    break;
                case SoftmaxLayer:
                    modules.Add((layer.Name, nn.Softmax(1)));
                    break;
                case QuantizeLayer or DequantizeLayer:
                    // Quantization boundaries: nothing to do in a float network.
                    break;
                default:
                    throw new NotSupportedException($"layer '{layer.Name}' ({layer.Op}) has no TorchSharp equivalent here");
            }
        }

        var network = nn.Sequential(modules.ToArray());
        network.eval();
        return network;
    }

    private static (long, long) SymmetricPadding(Conv2DLayer conv)
    {
        if (conv.Padding == Padding.Valid)
        {
            return (0, 0);
        }

        if (conv.StrideHeight == 1 && conv.StrideWidth == 1 && conv.KernelHeight % 2 == 1 && conv.KernelWidth % 2 == 1)
        {
            return (conv.KernelHeight / 2, conv.KernelWidth / 2);
        }

        throw new NotSupportedException($"conv '{conv.Name}': 'same' padding that is not symmetric has no torch Conv2d equivalent");
    }

    private static void AddActivation(List<(string, nn.Module<Tensor, Tensor>)> modules, string name, Activation activation)
    {
        switch (activation)
        {
            case Activation.Relu:
                modules.Add((name + "_relu", nn.ReLU()));
                break;
            case Activation.Relu6:
                modules.Add((name + "_relu6", nn.ReLU6()));
                break;
        }
    }

    private static void Load(Tensor weight, Tensor bias, WeightData data, QuantParams? input, long[] shape)
    {
        var (w, b) = OnnxExporter.FloatConstants(data, input);
        using var _ = no_grad();
        using var wt = tensor(w, shape);
        using var bt = tensor(b);
        weight.copy_(wt);
        bias.copy_(bt);
    }
}

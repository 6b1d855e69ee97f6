using ModelCompiler.Format;
using ModelCompiler.Trainer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>
/// TorchSharp (libtorch CPU) running <see cref="TorchNetwork"/> in eval mode, without autograd, on one thread.
/// The input tensor is allocated once; each call's output tensors are released by a dispose scope, which is part of
/// what using TorchSharp costs.
/// </summary>
public sealed class TorchEngine : IInferenceEngine
{
    private readonly QModel model;
    private readonly nn.Module<Tensor, Tensor> network;
    private readonly Tensor input;
    private readonly float[] staging;

    public TorchEngine(QModel model)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        this.model = model;
        network = TorchNetwork.Build(model);
        var shape = model.InputShape;
        staging = new float[shape.Length];
        input = zeros(1, shape.Channels, shape.Height, shape.Width);
    }

    public void SetInput(ReadOnlySpan<float> values)
    {
        InputLayouts.ToNchw(model, values, staging);
        using var _ = no_grad();
        using var source = tensor(staging, input.shape);
        input.copy_(source);
    }

    public int Predict()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (int)network.forward(input).argmax(1).item<long>();
    }

    public float[] Probabilities()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return network.forward(input).data<float>().ToArray();
    }

    public void Dispose()
    {
        input.Dispose();
        network.Dispose();
    }
}

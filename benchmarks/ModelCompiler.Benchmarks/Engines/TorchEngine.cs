using ModelCompiler.Format;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Benchmarks.Engines;

/// <summary>
/// TorchSharp (libtorch CPU) running the trainer's own network for the .qmodel (<see cref="QModelImport"/>: float,
/// with the dequantized weights the float ONNX export also uses, so the two float peers compute the same function)
/// in eval mode, without autograd, on one thread, softmax included as in the exported graph. The input tensor is
/// allocated once; each call's output tensors are released by a dispose scope, which is part of what using TorchSharp costs.
/// </summary>
public sealed class TorchEngine : IInferenceEngine
{
    private readonly QModel _model;
    private readonly GraphNetwork _network;
    private readonly Tensor _input;
    private readonly float[] _staging;

    public TorchEngine(QModel model)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        _model = model;
        _network = QModelImport.FloatNetwork(model);
        var shape = model.InputShape;
        _staging = new float[shape.Length];
        _input = zeros(1, shape.Channels, shape.Height, shape.Width);
    }

    public void SetInput(ReadOnlySpan<float> values)
    {
        InputLayouts.ToNchw(_model, values, _staging);
        using var _ = no_grad();
        using var source = tensor(_staging, _input.shape);
        _input.copy_(source);
    }

    public int Predict()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (int)Probabilities(_input).argmax(1).item<long>();
    }

    public float[] Probabilities()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Probabilities(_input).data<float>().ToArray();
    }

    public void Dispose()
    {
        _input.Dispose();
        _network.Dispose();
    }

    private Tensor Probabilities(Tensor x) => _network.forward(x).softmax(1);
}

using ModelCompiler.Trainer.Native;

namespace ModelCompiler.Trainer.Cli;

/// <summary>Loads libtorch (see <see cref="TorchRuntime"/>) and sets its thread count.</summary>
public static class Torch
{
    public static void Start(int threads)
    {
        TorchRuntime.EnsureLoaded();
        TorchSharp.torch.set_num_threads(Math.Max(1, threads));
    }
}

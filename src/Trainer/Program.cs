using ModelCompiler.Trainer.Native;
using TorchSharp;

namespace ModelCompiler.Trainer;

internal static class Program
{
    private static int Main()
    {
        TorchRuntime.EnsureLoaded();
        using var t = torch.ones(3) * 2;
        Console.WriteLine(t.sum().item<float>());
        return 0;
    }
}

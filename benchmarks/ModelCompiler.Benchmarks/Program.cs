using BenchmarkDotNet.Running;
using ModelCompiler.Format;
using ModelCompiler.Generator.Tests;

namespace ModelCompiler.Benchmarks;

public static class Program
{
    /// <summary>
    /// <c>write-models</c>: writes Models/intel-cnn.qmodel (the seed's architecture, random weights; rebuild afterwards).
    /// Anything else goes to BenchmarkDotNet (e.g. <c>--filter *</c>).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "write-models")
        {
            string directory = Path.Combine(args.Length > 1 ? args[1] : ".", "Models");
            Directory.CreateDirectory(directory);
            string path = Path.Combine(directory, "intel-cnn.qmodel");
            File.WriteAllText(path, QModelWriter.Write(new TestModels(42).IntelCnn()));
            Console.WriteLine($"wrote {path}; rebuild to compile it in");
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

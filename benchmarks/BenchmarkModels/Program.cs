using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Testing;

namespace ModelCompiler.Benchmarks.Models;

/// <summary>
/// <c>benchmark-models OUTPUT_DIR</c>: writes fashion.qmodel, intel.qmodel and intel-mobilenet.qmodel (random weights,
/// the sample models' architectures and class names). A file that already holds the same model is left alone, so that the
/// benchmark, which compiles these files in, is not rebuilt for nothing.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: benchmark-models OUTPUT_DIR");
            return 2;
        }

        try
        {
            Directory.CreateDirectory(args[0]);
            // The class names the samples use, so the benchmark's code is the same for these and the trained files.
            Write(Path.Combine(args[0], "fashion.qmodel"), new TestModels(1).TrainedLike("FashionClassifier", intel: false));
            Write(Path.Combine(args[0], "intel.qmodel"), new TestModels(2).TrainedLike("IntelClassifier", intel: true));
            Write(Path.Combine(args[0], "intel-mobilenet.qmodel"), new GraphModels(3).IntelMobileNetLike("IntelMobileNet"));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or QModelFormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static void Write(string path, QModel model)
    {
        if (File.Exists(path) && File.ReadAllText(path) == QModelWriter.Write(model))
        {
            Console.WriteLine($"{path}: up to date");
            return;
        }

        QModelFile.WriteAtomic(path, model);
        Console.WriteLine($"{path}: written ({model.Layers.Count} layers, random weights)");
    }
}

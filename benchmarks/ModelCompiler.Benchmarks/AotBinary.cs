using System.Globalization;

namespace ModelCompiler.Benchmarks;

/// <summary>A sample's Native AOT binary that run.sh published before the benchmark, named by --aot-binary model=path.</summary>
public sealed record AotBinary(string Path, long Bytes)
{
    /// <summary>Parses "fashion-cnn=artifacts/aot/fashion/fashion-classifier"; the file must exist.</summary>
    public static (BenchmarkModel Model, AotBinary Binary) Parse(string argument)
    {
        int equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--aot-binary takes model=path (e.g. fashion-cnn=artifacts/aot/fashion/fashion-classifier), not '{argument}'");
        }

        var model = BenchmarkModel.Find(argument[..equals]);
        string path = argument[(equals + 1)..];
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--aot-binary {argument}: no such file"));
        }

        return (model, new AotBinary(path, file.Length));
    }
}

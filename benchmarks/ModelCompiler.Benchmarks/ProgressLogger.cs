using BenchmarkDotNet.Loggers;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// Keeps BenchmarkDotNet's console output to one line per benchmark and its errors; the full log is still written
/// to the artifacts folder.
/// </summary>
public sealed class ProgressLogger : ILogger
{
    private const string BenchmarkLine = "// Benchmark: ";

    public string Id => nameof(ProgressLogger);

    public int Priority => 0;

    public void Write(LogKind logKind, string text)
    {
        if (logKind == LogKind.Error)
        {
            Console.Error.Write(text);
        }
    }

    public void WriteLine()
    {
    }

    public void WriteLine(LogKind logKind, string text)
    {
        if (logKind == LogKind.Error)
        {
            Console.Error.WriteLine(text);
        }
        else if (text.StartsWith(BenchmarkLine, StringComparison.Ordinal))
        {
            // "SideBySide.Generated: job(settings) [Model=fashion-cnn]" to "SideBySide.Generated [Model=fashion-cnn]".
            string benchmark = text[BenchmarkLine.Length..];
            int colon = benchmark.IndexOf(':', StringComparison.Ordinal);
            int parameters = benchmark.LastIndexOf(" [", StringComparison.Ordinal);
            string shortName = colon > 0 && parameters > colon ? benchmark[..colon] + benchmark[parameters..] : benchmark;
            Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {shortName}");
        }
    }

    public void Flush() => Console.Out.Flush();
}

namespace ModelCompiler.Benchmarks;

/// <summary>The machine's 1, 5 and 15 minute load averages, printed next to figures that other work disturbs.</summary>
public static class LoadAverage
{
    public static string Now()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
